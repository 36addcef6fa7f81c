import WABinary

/// The Signal identity a received message decrypts as (whatsmeow's `decryptMessages`): a
/// sender writing as a phone number (not a bot; our own other devices too, 1:1 and in groups)
/// whose LID is known decrypts on that LID's sessions and sender keys, where its
/// phone-number state was moved first (whatsmeow's `migrateSessionStore`), and shows the LID
/// as its `SenderAlt`. The LID is the one the stanza names (`sender_lid`, `participant_lid`),
/// else the one stored for the number.
public struct LIDDecryption: Sendable, Hashable {
    /// The sending device by phone number, whose Signal state moves to `lid`.
    public var phone: JID
    /// The same device as a LID, which the message decrypts as.
    public var lid: JID

    public init(phone: JID, lid: JID) {
        self.phone = phone
        self.lid = lid
    }

    /// How the message `stanza` decrypts; nil when its sender decrypts as itself: it writes as
    /// a LID, is a bot, or has no known LID.
    /// - Parameters:
    ///   - ownUser, ownLID: our account, to tell our own messages apart (they name no alternative 1:1).
    ///   - storedLID: the LID user stored for a phone-number user (ours for our own number).
    public static func of(
        _ stanza: Node, ownUser: JID, ownLID: JID?, storedLID: @Sendable (JID) async throws -> JID?
    ) async throws -> LIDDecryption? {
        let (sender, group) = try ReceivedMessage.sender(of: stanza)
        guard sender.server == JID.userServer, !isBot(sender) else { return nil }
        let alt = MessageAddressing.senderAlt(
            in: stanza, sender: sender, inGroup: group != nil,
            isFromMe: ReceivedMessage.isOwn(sender, ownUser: ownUser, ownLID: ownLID))
        if let alt, alt.server == JID.lidServer { return LIDDecryption(phone: sender, lid: alt) }
        guard let lid = try await storedLID(sender.nonAD) else { return nil }
        return LIDDecryption(phone: sender, lid: LIDEncryption.lidDevice(of: sender, lid: lid))
    }

    /// Whether `jid` is one of Meta AI's phone numbers (whatsmeow's `JID.IsBot`: 1313555xxxx
    /// or 131655500xx, device 0), whose messages are not moved to a LID.
    public static func isBot(_ jid: JID) -> Bool {
        jid.server == JID.userServer && jid.device == 0 && jid.user.utf8.count == 11
            && jid.user.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
            && (jid.user.hasPrefix("1313555") || jid.user.hasPrefix("131655500"))
    }
}
