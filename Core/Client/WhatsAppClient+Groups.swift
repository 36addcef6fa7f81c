import WABinary
import WAMessaging
import WASignal
import WATransport
import WagoStore

/// Groups as the send path needs them: participants by `w:g2` (cached), and group
/// notifications, reported as `ClientEvent.groupChange`, that make the cache and our sender
/// key's holders start over.
extension WhatsAppClient {
    /// The participants of `group`, cached until a group notification.
    func groupParticipants(of group: JID) async throws -> [JID] {
        try await groupMetadata.metadata(of: group) { try await self.fetchGroupMetadata($0) }.participants
    }

    /// Our device as it writes in `group`: `ownDevice` (by phone number), or the same device
    /// as a LID in a LID-addressed group (whatsmeow's `sendGroup`), whose members then get our
    /// sender key on their LID devices and see us as a LID participant.
    func groupSender(in group: JID, ownDevice: JID) async throws -> JID {
        let metadata = try await groupMetadata.metadata(of: group) { try await self.fetchGroupMetadata($0) }
        guard metadata.isLIDAddressed, let ownLID else { return ownDevice }
        return JID(user: ownLID.user, server: JID.lidServer, device: ownDevice.device)
    }

    /// The metadata of `group`, asked of the server; the phone numbers and LIDs it pairs are stored.
    /// - Throws: `ClientError.server` when the server refuses (not a participant, no such group).
    public func fetchGroupMetadata(_ group: JID) async throws -> GroupMetadata {
        guard loggedIn else { throw ClientError.notLoggedIn }
        let answer = try await socket.sendIQ(GroupInfoQuery.request(group: group))
        try ClientError.check(answer)
        let metadata = try GroupInfoQuery.metadata(in: answer)
        learnLIDMappings(from: metadata)
        return metadata
    }

    /// `<notification type=w:gp2 from=<group>>`: the group changed, so its metadata is asked
    /// again at the next send, and the phone numbers and LIDs its members show are stored; when
    /// members joined or left, every device gets our sender key anew, and when members left it
    /// is a new key they never saw. Then the change is reported and, once the consumer took it,
    /// acked (as messages are: a crash in between gets it again); one that cannot be read is
    /// acked at once, so that it does not come back forever.
    func handleGroupNotification(_ node: Node) async throws {
        let ack = Receipts.ack(for: node)
        let notification: GroupNotification?
        do {
            notification = try GroupNotification(node)
        } catch {
            if let ack { try await socket.send(ack) }
            throw error
        }
        // A failure from here on (storage, the consumer) leaves it unacked: the server sends it again.
        if let notification { try await apply(notification) }
        if let ack { try await socket.send(ack) }
    }

    private func apply(_ notification: GroupNotification) async throws {
        guard let ownJID else { return }
        learnLIDMappings(from: notification)
        let group = notification.group
        await groupMetadata.invalidate(group)
        let left = notification.participants(.remove)
        if !left.isEmpty || !notification.participants(.add).isEmpty {
            try await withSignalSessions {
                try await senderKeyHolders.forgetHolders(of: group)
                if !left.isEmpty {
                    // Our key by phone number and, for a LID-addressed group, by LID.
                    let ownLID = self.ownLID
                        .map { JID(user: $0.user, server: JID.lidServer, device: ownJID.device) }
                    for sender in [ownJID, ownLID].compactMap({ $0 }) {
                        try await signal.storeSenderKey(
                            SenderKeyRecord(), for: GroupMessageEncryptor.senderKeyName(group: group, sender: sender))
                    }
                }
            }
        }
        try await eventHandler(.groupChange(notification))
    }
}
