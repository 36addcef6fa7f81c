import WABinary
import WACrypto
import WAProto

/// The phone's answer to a media retry request, `<notification type=mediaretry id t>` with
/// `<rmr jid from_me [participant]/>` and either the encrypted `MediaRetryNotification` or
/// `<error code/>`, read as whatsmeow reads it.
public struct MediaRetryNotice: Sendable, Hashable {
    public enum Answer: Sendable, Hashable {
        case encrypted(ciphertext: [UInt8], iv: [UInt8])
        case error(code: Int)
    }

    public var messageID: String
    public var chat: JID
    public var fromMe: Bool
    public var participant: JID?
    public var answer: Answer

    public init(messageID: String, chat: JID, fromMe: Bool, participant: JID?, answer: Answer) {
        self.messageID = messageID
        self.chat = chat
        self.fromMe = fromMe
        self.participant = participant
        self.answer = answer
    }

    /// The phone's side: the answer carrying `directPath` (or `result` other than success)
    /// for the message of a retry request, sealed under `mediaKey`.
    public init(
        answering messageID: String, chat: JID, fromMe: Bool, participant: JID?, directPath: String,
        result: WAMmsRetry_MediaRetryNotification.ResultType = .success, mediaKey: [UInt8],
        iv: [UInt8] = randomBytes(MediaRetry.ivLength)
    ) throws(MediaRetryError) {
        var payload = WAMmsRetry_MediaRetryNotification()
        payload.stanzaID = messageID
        payload.directPath = directPath
        payload.result = result
        let ciphertext = try MediaRetry.seal(payload, messageID: messageID, mediaKey: mediaKey, iv: iv)
        self.init(
            messageID: messageID, chat: chat, fromMe: fromMe, participant: participant,
            answer: .encrypted(ciphertext: ciphertext, iv: iv))
    }

    /// Reads a `mediaretry` notification.
    public init(node: Node) throws(MediaRetryError) {
        guard let id = node["id"]?.description, !id.isEmpty else { throw .missing("id") }
        guard let rmr = node.child(tagged: "rmr") else { throw .missing("rmr") }
        guard let chat = rmr["jid"]?.jid else { throw .missing("rmr jid") }
        guard let fromMe = rmr["from_me"]?.description else { throw .missing("rmr from_me") }
        messageID = id
        self.chat = chat
        self.fromMe = fromMe == "true"
        participant = rmr["participant"]?.jid
        if let error = node.child(tagged: "error") {
            answer = .error(code: error["code"].flatMap { Int($0.description) } ?? 0)
        } else {
            let (ciphertext, iv) = try MediaRetry.encrypted(in: node)
            answer = .encrypted(ciphertext: ciphertext, iv: iv)
        }
    }

    /// The notification the server delivers to `device`, with id `messageID` and time `timestamp`.
    public func node(to device: JID, from sender: JID, timestamp: Int) -> Node {
        var rmr: Attributes = ["jid": .jid(chat), "from_me": .string(fromMe ? "true" : "false")]
        if let participant { rmr["participant"] = .jid(participant) }
        let body: Node
        switch answer {
        case .encrypted(let ciphertext, let iv):
            body = Node(
                tag: "encrypt",
                content: .nodes([Node(tag: "enc_p", content: .bytes(ciphertext)), Node(tag: "enc_iv", content: .bytes(iv))]))
        case .error(let code):
            body = Node(tag: "error", attributes: ["code": .string(String(code))])
        }
        return Node(
            tag: "notification",
            attributes: [
                "from": .jid(sender), "to": .jid(device), "id": .string(messageID), "type": "mediaretry",
                "t": .string(String(timestamp)),
            ],
            content: .nodes([Node(tag: "rmr", attributes: rmr), body]))
    }

    /// The new direct path, once the payload decrypts under the message's media key and names
    /// this message. A phone that answered with an error throws `phoneError`.
    public func open(mediaKey: [UInt8]) throws(MediaRetryError) -> WAMmsRetry_MediaRetryNotification {
        switch answer {
        case .error(let code):
            throw .phoneError(code: code)
        case .encrypted(let ciphertext, let iv):
            let payload: WAMmsRetry_MediaRetryNotification = try MediaRetry.open(
                ciphertext, iv: iv, messageID: messageID, mediaKey: mediaKey)
            guard payload.stanzaID == messageID else {
                throw .messageMismatch(expected: messageID, found: payload.stanzaID)
            }
            return payload
        }
    }
}
