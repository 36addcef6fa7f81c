import WABinary

/// Why the sandbox answers an iq with `type=error`: the code and text go into its `<error>`,
/// the reason into the log.
struct IQRefusal: Error, Sendable, Equatable {
    var code: Int
    var text: String
    var reason: String

    static func badRequest(_ reason: String) -> IQRefusal { IQRefusal(code: 400, text: "bad-request", reason: reason) }
    static func notAuthorized(_ reason: String) -> IQRefusal {
        IQRefusal(code: 401, text: "not-authorized", reason: reason)
    }
    static func forbidden(_ reason: String) -> IQRefusal { IQRefusal(code: 403, text: "forbidden", reason: reason) }
    static func notFound(_ reason: String) -> IQRefusal { IQRefusal(code: 404, text: "item-not-found", reason: reason) }
    static func notImplemented(_ reason: String) -> IQRefusal {
        IQRefusal(code: 501, text: "feature-not-implemented", reason: reason)
    }
    static func internalError(_ reason: String) -> IQRefusal {
        IQRefusal(code: 500, text: "internal-server-error", reason: reason)
    }

    /// The `<error code text/>` child.
    var node: Node {
        Node(tag: "error", attributes: ["code": .string(String(code)), "text": .string(text)])
    }
}
