import Logging
import WABinary
import WAMessaging
import WAProto
import WASignal
import WATransport
import WagoStore

/// LIDs: which LID goes with which phone number (`lids`, the session's `LIDStore`), learned
/// from usync, from message stanzas and from history sync, so that 1:1 sends to a phone
/// number go to its LID as whatsmeow sends them.
extension WhatsAppClient {
    /// Where a 1:1 message to `chat` goes: its LID when known or when the server gives one
    /// (a usync with `<lid/>`, as whatsmeow's `GetUserInfo`), else its phone number.
    /// A phone number's sessions made before its LID was known move to the LID first
    /// (whatsmeow's `encryptMessageForDevices`), so the message goes on the same ratchets.
    func addressing(of chat: JID, ownDevice: JID) async throws -> LIDAddressing {
        let addressing = try await LIDAddressing.resolve(
            chat, ownDevice: ownDevice, ownLIDDevice: ownLID,
            lid: { phone in try await self.lid(of: phone) },
            phone: { [lids] lid in try await lids.phone(forLID: lid.user).map { JID(user: $0, server: JID.userServer) } })
        if let phone = addressing.peerRecipientPN, lidMigration.isPending(phone.nonAD.signalAddress.name) {
            try await withSignalSessions { await migrateSessions(of: phone, to: addressing.recipient) }
        }
        return addressing
    }

    /// The LID of phone number `phone`: stored, else asked of the server (and stored). A
    /// number the server gave none for is not asked about again for a while (`LIDStore`).
    func lid(of phone: JID) async throws -> JID? {
        try await lids.lid(forPhone: phone.user) { _ in try await self.lookUpLIDs(of: [phone])[phone.nonAD]?.user }
            .map { JID(user: $0, server: JID.lidServer) }
    }

    /// Before decrypting `stanza`, the Signal state we had with its sender by phone number
    /// moves to its LID, so its message decrypts in the session it was encrypted in: when it
    /// writes as a LID whose phone number the stanza (`sender_pn`, `participant_pn`) or our map
    /// names; and when it writes as a phone number whose LID the stanza or our map names
    /// (whatsmeow's `decryptMessages`), the message then decrypts as that LID: the returned
    /// `LIDDecryption`. Runs inside `withSignalSessions`.
    func migrateSessions(forSenderOf stanza: Node, ownJID: JID) async -> LIDDecryption? {
        do {
            if let decryption = try await LIDDecryption.of(
                stanza, ownUser: ownJID, ownLID: ownLID,
                storedLID: { phone in try await self.storedLIDs(of: [phone], ownJID: ownJID)[phone.nonAD] })
            {
                await migrateSessions(of: decryption.phone, to: decryption.lid)
                return decryption
            }
        } catch {
            // A malformed stanza fails its decryption next; a failed lookup decrypts as the number.
            logger.warning("could not tell a sender's LID", metadata: ["error": "\(error)"])
            return nil
        }
        await migrateSessions(ofLIDSenderOf: stanza)
        return nil
    }

    /// A sender writing as a LID: the state of the phone number the stanza or our map names moves to it.
    private func migrateSessions(ofLIDSenderOf stanza: Node) async {
        guard let from = stanza["from"]?.jid else { return }
        let inGroup = from.server == JID.groupServer
        guard let sender = inGroup ? stanza["participant"]?.jid : from, sender.server == JID.lidServer else { return }
        var phone = stanza[inGroup ? "participant_pn" : "sender_pn"]?.jid
        if phone?.server != JID.userServer {
            phone = (try? await lids.phone(forLID: sender.user)).map { JID(user: $0, server: JID.userServer) }
        }
        guard let phone else { return }
        await migrateSessions(of: phone, to: sender)
    }

    /// The sessions a send encrypts for `devices` on (whatsmeow's `encryptMessageForDevices`):
    /// the devices of a phone number whose LID is stored (ours: our own LID) go on the LID's
    /// sessions, where the number's Signal state is moved first, as its messages decrypt there
    /// (`migrateSessions(forSenderOf:)`). Runs outside `withSignalSessions`.
    func lidEncryption(for devices: [JID]) async throws -> LIDEncryption {
        guard let ownJID else { return LIDEncryption() }
        let encryption = try await LIDEncryption.of(devices) { phones in try await self.storedLIDs(of: phones, ownJID: ownJID) }
        let pending = encryption.lids.filter { lidMigration.isPending($0.key.signalAddress.name) }
        if !pending.isEmpty {
            try await withSignalSessions {
                for (phone, lid) in pending { await migrateSessions(of: phone, to: lid) }
            }
        }
        return encryption
    }

    /// The stored LID users of phone-number users `phones`. Ours is not in the map: whatsmeow
    /// stores it when pairing, we keep it with the device.
    private func storedLIDs(of phones: some Collection<JID>, ownJID: JID) async throws -> [JID: JID] {
        let stored = try await lids.lids(forPhones: phones.filter { $0.user != ownJID.user }.map(\.user))
        var found: [JID: JID] = [:]
        for phone in phones {
            guard let lid = phone.user == ownJID.user ? ownLID?.user : stored[phone.user] else { continue }
            found[phone.nonAD] = JID(user: lid, server: JID.lidServer)
        }
        return found
    }

    /// Moves the Signal state of phone number `phone` to LID `lid` (once per number and
    /// process); a failure is logged: the message then needs a new session, as without it.
    /// Runs inside `withSignalSessions`.
    private func migrateSessions(of phone: JID, to lid: JID) async {
        do {
            let moved = try await lidMigration.migrate(
                from: phone.nonAD.signalAddress.name, to: JID(user: lid.user, server: JID.lidServer).signalAddress.name,
                keeping: ownJID.flatMap { $0.user == phone.user ? $0.signalAddress : nil })
            if moved.sessions > 0 || moved.senderKeys > 0 {
                logger.info(
                    "moved Signal state to a LID",
                    metadata: ["sessions": "\(moved.sessions)", "senderKeys": "\(moved.senderKeys)"])
            }
        } catch {
            logger.warning("could not move Signal state to a LID", metadata: ["error": "\(error)"])
        }
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

    /// Stores the phone number ↔ LID pairs a group's participant list names (whatsmeow's `getGroupInfo`).
    func learnLIDMappings(from group: GroupMetadata) {
        storeLIDMappings(group.lidPairs.map { ($0.phone.user, $0.lid.user) }, from: "a group's participants")
    }

    /// Stores the phone number ↔ LID pairs a group notification's members show (whatsmeow's
    /// `handleNotification` of `w:gp2`).
    func learnLIDMappings(from notification: GroupNotification) {
        storeLIDMappings(notification.lidPairs.map { ($0.phone.user, $0.lid.user) }, from: "a group notification")
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
