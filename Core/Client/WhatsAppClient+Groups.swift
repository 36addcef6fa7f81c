import WABinary
import WAMessaging
import WASignal
import WATransport
import WagoStore

/// Groups as the send path needs them: participants by `w:g2` (cached), and group
/// notifications that make the cache and our sender key's holders start over.
extension WhatsAppClient {
    /// The participants of `group`, cached until a group notification.
    func groupParticipants(of group: JID) async throws -> [JID] {
        try await groupMetadata.metadata(of: group) { try await self.fetchGroupMetadata($0) }.participants
    }

    /// The metadata of `group`, asked of the server.
    /// - Throws: `ClientError.server` when the server refuses (not a participant, no such group).
    public func fetchGroupMetadata(_ group: JID) async throws -> GroupMetadata {
        guard loggedIn else { throw ClientError.notLoggedIn }
        let answer = try await socket.sendIQ(GroupInfoQuery.request(group: group))
        try ClientError.check(answer)
        return try GroupInfoQuery.metadata(in: answer)
    }

    /// `<notification type=w:gp2 from=<group>>`: the group changed, so its metadata is asked
    /// again at the next send; when members joined or left, every device gets our sender key
    /// anew, and when members left it is a new key they never saw.
    func handleGroupNotification(_ node: Node) async throws {
        guard let group = node["from"]?.jid, group.server == JID.groupServer,
            let ownJID = device.jid.flatMap({ try? JID(parsing: $0) })
        else { return }
        await groupMetadata.invalidate(group)
        let changes = Set(node.children.map(\.tag))
        guard !changes.isDisjoint(with: ["add", "remove", "leave"]) else { return }
        try await senderKeyHolders.forgetHolders(of: group)
        if !changes.isDisjoint(with: ["remove", "leave"]) {
            try await signal.storeSenderKey(
                SenderKeyRecord(), for: GroupMessageEncryptor.senderKeyName(group: group, sender: ownJID))
        }
    }
}
