import Foundation
import WABinary
import WAMessaging
import WAProto

/// Groups: creation for the control API, the `w:g2` metadata query, and group messages routed
/// to every device of every participant but the sender's, as WhatsApp does: the `skmsg` to
/// all of them, each device's own `<enc>` (a sender key distribution) to that device only.
extension MessageRouter {
    /// `POST /sandbox/groups`: a group of `creator` and `participants`, all existing accounts.
    func createGroup(subject: String, creator: String, participants: [String]) async throws(ControlError) -> GroupRecord {
        for phone in [creator] + participants {
            guard await accounts.account(phone: phone) != nil else { throw .notFound("no account \(phone)") }
        }
        do throws(PrivateFile.WriteError) {
            return try await groups.create(subject: subject, creator: creator, participants: participants)
        } catch {
            throw .internalError("\(error)")
        }
    }

    /// Answers `<iq xmlns=w:g2 type=get to=<group>><query/>` from `device`, a participant's.
    func groupInfo(_ iq: Node, asker device: JID) async throws(IQRefusal) -> Node {
        guard let jid = GroupInfoQuery.group(in: iq) else { throw .badRequest("w:g2 query without a group in to") }
        guard let group = await groups.group(jid) else { throw .notFound("no group \(jid)") }
        guard group.participants.contains(device.user) else { throw .forbidden("\(device) is not in \(jid)") }
        return GroupInfoQuery.answer(to: iq, metadata: group.metadata, created: group.created)
    }

    /// Every device of every member of `group`, the phones' included.
    func devices(of group: GroupRecord) async -> [JID] {
        var devices: [JID] = []
        for phone in group.participants {
            guard let account = await accounts.account(phone: phone) else { continue }
            devices += account.deviceIDs.map(account.deviceJID)
        }
        return devices
    }

    /// Checks a group `<message to=<group> phash>[<participants>…]<enc type=skmsg>` from a
    /// member's device and builds the copies: with an `skmsg`, every member device but the
    /// sender's gets it (after its own `<enc>` from `<participants>`, if any); without one, only
    /// the devices `<participants>` lists get theirs (a resend). The ack names the server's
    /// `phash` when the sender's differs.
    func checkGroup(
        _ stanza: Node, id: String, group jid: JID, from sender: JID, account: VirtualAccount, now: Date
    ) async throws(MessageRefusal) -> RoutedMessage {
        guard let group = await groups.group(jid) else { throw .notFound("no group \(jid)") }
        guard group.participants.contains(account.phone) else { throw .forbidden("\(sender) is not in \(jid)") }
        let members = await devices(of: group)
        let senderDevice = account.deviceJID(sender.device)
        var own: [JID: [Node]] = [:]
        for participant in stanza.child(tagged: "participants")?.children ?? [] {
            guard participant.tag == "to", let target = participant["jid"]?.jid else {
                throw .badRequest("participants hold <\(participant.tag)> without a jid")
            }
            let device = JID(user: target.user, server: JID.userServer, device: target.device)
            guard members.contains(device), target.server == JID.userServer else {
                throw .notFound("\(target) is no device of a member of \(jid)")
            }
            guard device != senderDevice else { throw .badRequest("\(device) is the sender") }
            let encs = participant.children(tagged: "enc")
            guard !encs.isEmpty else { throw .badRequest("<to jid=\(target)> without <enc>") }
            own[device] = encs
        }
        let skmsg = stanza.children(tagged: "enc").filter { $0["type"]?.description == "skmsg" }
        guard !skmsg.isEmpty || !own.isEmpty else { throw .badRequest("group message without skmsg or participants") }
        let targets = members.filter { $0 != senderDevice && (!skmsg.isEmpty || own[$0] != nil) }

        let timestamp = Int64(now.timeIntervalSince1970)
        var attributes = Self.deliveryAttributes(of: stanza, from: jid, timestamp: timestamp, account: account)
        attributes["participant"] = .jid(senderDevice)
        let deviceIdentity = stanza.child(tagged: "device-identity")
        let deliveries = targets.map { device in
            let encs = own[device] ?? []
            let identity = encs.contains { $0["type"]?.description == "pkmsg" } ? deviceIdentity : nil
            return RoutedMessage.Delivery(
                device: device,
                stanza: Node(tag: "message", attributes: attributes, content: .nodes(encs + skmsg + [identity].compactMap { $0 })))
        }
        return RoutedMessage(
            id: id, chat: jid, timestamp: timestamp, deliveries: deliveries,
            serverPHash: Self.mismatchedPHash(of: stanza, devices: members))
    }

    /// `POST /sandbox/send` to a group: `account`'s phone encrypts `message` with its sender
    /// key, sends the key to the member devices that lack it, and routes it like any message.
    func phoneSend(_ message: WAE2E_Message, from account: VirtualAccount, toGroup jid: JID) async throws(ControlError)
        -> RoutedMessage
    {
        guard let group = await groups.group(jid) else { throw .notFound("no group \(jid)") }
        guard group.participants.contains(account.phone) else { throw .forbidden("\(account.phone) is not in \(jid)") }
        let store = GroupPhoneSignalStore(sessions: PhoneSignalStore(account: account, state: phones), groupKeys: groupKeys)
        let members = await devices(of: group)
        let sender = account.deviceJID(0)
        let built: GroupMessageEncryptor.Stanza
        do {
            built = try await phoneSignal.run {
                try await GroupMessageEncryptor(store: store, fetchBundles: { try await self.claimBundles($0) }).stanza(
                    for: message, id: MessageID.generate(ownUser: account.phone), group: jid, sender: sender,
                    participantDevices: members, holders: try await store.holders(of: jid), deviceIdentity: nil)
            }
        } catch {
            throw .internalError("the phone could not encrypt the message: \(error)")
        }
        let routed: RoutedMessage
        do throws(MessageRefusal) {
            routed = try await check(built.node, from: sender)
        } catch {
            throw .internalError("the phone's own message was refused: \(error.reason)")
        }
        do {
            try await store.addHolders(built.distributedTo, of: jid)
        } catch {
            throw .internalError("\(error)")
        }
        await deliver(routed)
        return routed
    }
}
