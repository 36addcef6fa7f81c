import WABinary

/// Why the sandbox refuses a `<message>`: the code goes into the `error` attribute of the
/// sender's `<ack>` (whatsmeow reports it as `ErrServerReturnedError`), the reason into the log.
struct MessageRefusal: Error, Sendable, Equatable {
    var code: Int
    var reason: String

    static func badRequest(_ reason: String) -> MessageRefusal { MessageRefusal(code: 400, reason: reason) }
    static func notAuthorized(_ reason: String) -> MessageRefusal { MessageRefusal(code: 401, reason: reason) }
    static func forbidden(_ reason: String) -> MessageRefusal { MessageRefusal(code: 403, reason: reason) }
    static func notFound(_ reason: String) -> MessageRefusal { MessageRefusal(code: 404, reason: reason) }

    /// `<ack class=message id from=<to> t error=<code>/>`.
    func ack(for message: Node, timestamp: Int64) -> Node {
        var attributes: Attributes = [
            "class": "message", "t": .string(String(timestamp)), "error": .string(String(code)),
        ]
        if let id = message["id"] { attributes["id"] = id }
        if let to = message["to"] { attributes["from"] = to }
        return Node(tag: "ack", attributes: attributes)
    }
}
