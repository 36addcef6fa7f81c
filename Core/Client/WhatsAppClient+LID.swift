import Logging
import WABinary
import WAMessaging
import WAProto
import WATransport
import WagoStore

/// LIDs: which LID goes with which phone number (`lids`, the session's `LIDStore`), learned
/// from usync, from message stanzas and from history sync, so that 1:1 sends to a phone
/// number go to its LID as whatsmeow sends them.
extension WhatsAppClient {
    /// Where a 1:1 message to `chat` goes: its LID when known or when the server gives one
    /// (a usync with `<lid/>`, as whatsmeow's `GetUserInfo`), else its phone number.
    func addressing(of chat: JID, ownDevice: JID) async throws -> LIDAddressing {
        let ownLIDDevice = device.lid.flatMap { try? JID(parsing: $0) }
        return try await LIDAddressing.resolve(
            chat, ownDevice: ownDevice, ownLIDDevice: ownLIDDevice,
            lid: { phone in try await self.lid(of: phone) },
            phone: { [lids] lid in try await lids.phone(forLID: lid.user).map { JID(user: $0, server: JID.userServer) } })
    }

    /// The LID of phone number `phone`: stored, else asked of the server (and stored).
    func lid(of phone: JID) async throws -> JID? {
        if let lid = try await lids.lid(forPhone: phone.user) { return JID(user: lid, server: JID.lidServer) }
        return try await lookUpLIDs(of: [phone])[phone.nonAD]
    }

    /// Asks the server for the LIDs of `users` (phone numbers) and stores what it gives.
    /// - Returns: the LID of each user the server gave one for.
    func lookUpLIDs(of users: [JID]) async throws -> [JID: JID] {
        let answer = try await socket.sendIQ(DeviceListQuery.request(users: users, lid: true))
        try ClientError.check(answer)
        let lids = try DeviceListQuery.lids(in: answer).filter { $0.key.server == JID.userServer }
        try self.lids.put(lids.map { (phone: $0.key.user, lid: $0.value.user) })
        return lids
    }

    /// Stores the phone number ↔ LID pair a received message's stanza shows, if any.
    func learnLIDMapping(from received: ReceivedMessage) {
        guard let mapping = received.addressing.mapping(sender: received.sender, chat: received.chat) else { return }
        storeLIDMappings([(mapping.phone.user, mapping.lid.user)], from: "a message")
    }

    /// Stores the phone number ↔ LID pair a devices notification names (its `from` and `lid`).
    func learnLIDMapping(from notification: DeviceNotification) {
        guard let lid = notification.lid, notification.user.server == JID.userServer, lid.server == JID.lidServer else {
            return
        }
        storeLIDMappings([(notification.user.user, lid.user)], from: "a devices notification")
    }

    /// Stores the phone number ↔ LID pairs our phone shares in a history blob.
    func learnLIDMappings(from history: WAHistorySync_HistorySync) {
        let mappings = history.phoneNumberToLidMappings.compactMap { mapping -> (phone: String, lid: String)? in
            guard let phone = try? JID(parsing: mapping.pnJid), phone.server == JID.userServer,
                let lid = try? JID(parsing: mapping.lidJid), lid.server == JID.lidServer
            else { return nil }
            return (phone.user, lid.user)
        }
        storeLIDMappings(mappings, from: "a history blob")
    }

    /// What we learn by the way is only logged when it cannot be stored: the next send asks again.
    private func storeLIDMappings(_ mappings: [(phone: String, lid: String)], from source: String) {
        do {
            try lids.put(mappings)
        } catch {
            logger.warning("could not store LID mappings", metadata: ["source": "\(source)", "error": "\(error)"])
        }
    }
}
