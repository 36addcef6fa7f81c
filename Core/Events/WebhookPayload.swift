import WABinary

/// The `jsonData` form field WaGo posts for an event: Go's `json.Marshal` of wuzapi's
/// `postmap`, `{"event":…,"type":…}` plus `state`, `decryptVote` or `qrCodeBase64` where they
/// apply, keys in byte order.
public struct WebhookPayload: Sendable, Hashable {
    /// The `type` member: the WaGo Subscribe value (or later-wuzapi type) that selects it.
    public let type: String
    /// The `event` member alone.
    public let eventJSON: [UInt8]
    /// The whole payload (`jsonData`).
    public let json: [UInt8]

    /// The payload for `event`, or nil when WaGo posts none for it (receipts other than
    /// delivered, read and read-self).
    public init?(_ event: WebhookEvent) throws(GoJSONError) {
        var extras: [(String, String)] = []
        var writer = GoJSONWriter()
        switch event {
        case .message(let message, let decryptedVote):
            type = message.info.source.chat.server == JID.newsletterServer ? "Newsletter" : "Message"
            if let decryptedVote { extras.append(("decryptVote", Hex.string(decryptedVote).uppercased())) }
            try message.encodeGoJSON(to: &writer)
        case .receipt(let receipt):
            guard let state = Self.receiptStates[receipt.type] else { return nil }
            type = "ReadReceipt"
            extras.append(("state", state))
            try receipt.encodeGoJSON(to: &writer)
        case .presence(let presence):
            type = "Presence"
            extras.append(("state", presence.unavailable ? "offline" : "online"))
            try presence.encodeGoJSON(to: &writer)
        case .chatPresence(let chatPresence):
            type = "ChatPresence"
            try chatPresence.encodeGoJSON(to: &writer)
        case .historySync(let historySync):
            type = "HistorySync"
            try historySync.encodeGoJSON(to: &writer)
        case .call(let call):
            type = "Call"
            try call.encodeGoJSON(to: &writer)
        case .loggedOut(let loggedOut):
            type = "LoggedOut"
            try loggedOut.encodeGoJSON(to: &writer)
        case .connected(let connected):
            type = "Connected"
            connected.encodeGoJSON(to: &writer)
        case .pairSuccess(let pairSuccess):
            type = "PairSuccess"
            try pairSuccess.encodeGoJSON(to: &writer)
        case .qrCode(let imageDataURL):
            type = "QR"
            extras.append(("qrCodeBase64", imageDataURL))
            writer.string("code")
        case .groupInfo(let groupInfo):
            type = "GroupInfo"
            try groupInfo.encodeGoJSON(to: &writer)
        case .joinedGroup(let joinedGroup):
            type = "JoinedGroup"
            try joinedGroup.encodeGoJSON(to: &writer)
        case .undecryptableMessage(let undecryptable):
            type = "UndecryptableMessage"
            try undecryptable.encodeGoJSON(to: &writer)
        }
        eventJSON = writer.bytes
        var members = extras.map { key, value in
            var writer = GoJSONWriter()
            writer.string(value)
            return (key, writer.bytes)
        }
        var typeWriter = GoJSONWriter()
        typeWriter.string(type)
        members += [("event", eventJSON), ("type", typeWriter.bytes)]
        members.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        var payload = GoJSONWriter()
        payload.object { payload in
            for (key, value) in members {
                payload.field(key)
                payload.raw(value)
            }
        }
        json = payload.bytes
    }

    /// wuzapi's `state` for the receipt types it posts.
    private static let receiptStates = ["": "Delivered", "read": "Read", "read-self": "ReadSelf"]
}
