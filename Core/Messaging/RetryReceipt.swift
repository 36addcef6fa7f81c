import WABinary
import WACrypto
import WASignal

/// `<receipt type=retry>`: a device could not decrypt one of our messages and asks for it
/// again (whatsmeow `retry.go`). It names the message, how many times it asked, its
/// registration id, and from the second ask on (or when it lost its session) a prekey bundle
/// in `<keys>` to start a new session with.
public struct RetryReceipt: Sendable {
    /// whatsmeow sends no more retry receipts for a message after its fourth.
    public static let maxCount = 4

    public var messageID: String
    /// 1 for the first ask.
    public var count: Int
    /// The `t` of the message it is about, as sent back in the resend.
    public var messageTimestamp: String?
    /// The receipt's `from`: the device itself for a 1:1 message, the group for a group's.
    public var from: JID
    /// The asking device in a group.
    public var participant: JID?
    /// The chat of our own message when one of our other devices asks.
    public var recipient: JID?
    public var registrationID: UInt32
    /// The asking device's keys, when it sent them.
    public var bundle: PreKeyBundle?

    /// The device that could not decrypt.
    public var requester: JID { participant ?? from }
    public var isGroup: Bool { from.server == JID.groupServer }
    /// Whether the asking device is another device of `sender`'s account.
    public func isFromOwnDevice(sender: JID) -> Bool {
        requester.user == sender.user && requester.server == sender.server
    }

    /// The chat the message was sent to, as `sender` (this device) remembers sent messages: the
    /// group, the `recipient` when one of our other devices asks, else the asking account (so
    /// a device gets only messages of its own chats, as in whatsmeow).
    public func chat(sender: JID) -> JID {
        if isGroup { return from.nonAD }
        if isFromOwnDevice(sender: sender), let recipient { return recipient.nonAD }
        return from.nonAD
    }

    /// Reads a retry receipt.
    /// - Throws: `MessagingError.malformed` naming the missing or bad part.
    public init(_ stanza: Node) throws(MessagingError) {
        guard let from = stanza["from"]?.jid else { throw .malformed("retry receipt without from") }
        guard let retry = stanza.child(tagged: "retry") else { throw .malformed("retry receipt without <retry>") }
        guard let id = retry["id"]?.description ?? stanza["id"]?.description, !id.isEmpty else {
            throw .malformed("retry receipt without a message id")
        }
        guard let count = retry["count"].flatMap({ Int($0.description) }), count > 0 else {
            throw .malformed("<retry> without a positive count")
        }
        guard let registrationNode = stanza.child(tagged: "registration"),
            case .bytes(let registration) = registrationNode.content, registration.count == 4
        else { throw .malformed("<registration> must be 4 bytes") }
        messageID = id
        self.count = count
        messageTimestamp = retry["t"]?.description
        self.from = from
        participant = stanza["participant"]?.jid
        recipient = stanza["recipient"]?.jid
        registrationID = registration.reduce(0) { $0 << 8 | UInt32($1) }
        if let keys = stanza.child(tagged: "keys") {
            let requester = participant ?? from
            bundle = try PreKeyBundleQuery.bundle(
                Node(tag: "keys", content: .nodes(keys.children + [registrationNode])), device: requester.device)
        }
    }

    /// The retry receipt for `stanza`, a message we could not decrypt, as whatsmeow's
    /// `sendRetryReceipt` builds it: `<receipt id to [participant] [recipient] type=retry>`
    /// `<retry count id t v=1/><registration/>`, plus `<keys>` when `keys` is given (with our
    /// signed device identity when we have one). Nil for a stanza without id or from.
    public static func request(
        for stanza: Node, count: Int, registrationID: UInt32, keys: PreKeyBundle?, deviceIdentity: [UInt8]? = nil
    ) -> Node? {
        guard let id = stanza["id"], let from = stanza["from"] else { return nil }
        var attributes: Attributes = ["id": id, "to": from, "type": "retry"]
        if let participant = stanza["participant"] { attributes["participant"] = participant }
        if let recipient = stanza["recipient"] { attributes["recipient"] = recipient }
        var retry: Attributes = ["count": .string(String(count)), "id": id, "v": "1"]
        if let t = stanza["t"] { retry["t"] = t }
        var children = [
            Node(tag: "retry", attributes: retry),
            Node(tag: "registration", content: .bytes(bigEndian(registrationID))),
        ]
        if let keys {
            var fields = [
                Node(tag: "type", content: .bytes([Curve25519PublicKey.djbType])),
                Node(tag: "identity", content: .bytes(keys.identityKey.bytes)),
            ]
            if let preKey = keys.preKey { fields.append(PreKeyNodes.key(id: preKey.id, publicKey: preKey.publicKey.bytes)) }
            fields.append(
                PreKeyNodes.signedKey(
                    id: keys.signedPreKeyID, publicKey: keys.signedPreKey.bytes, signature: keys.signedPreKeySignature))
            if let deviceIdentity { fields.append(Node(tag: "device-identity", content: .bytes(deviceIdentity))) }
            children.append(Node(tag: "keys", content: .nodes(fields)))
        }
        return Node(tag: "receipt", attributes: attributes, content: .nodes(children))
    }

    /// The highest `count` on the `<enc>` nodes of `stanza`: how many retries it answers (0 for a first send).
    public static func answeredCount(of stanza: Node) -> Int {
        stanza.children(tagged: "enc").compactMap { $0["count"].flatMap { Int($0.description) } }.max() ?? 0
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
