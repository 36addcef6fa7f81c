import Foundation
import Logging
import WABinary
import WAMessaging
import WAProto

/// Groups: creation and changes for the control API, announced to the members' companions as
/// `<notification type=w:gp2>` (queued for offline ones); the `w:g2` metadata query; and group
/// messages routed to every device of every participant but the sender's, as WhatsApp does:
/// the `skmsg` to all of them, each device's own `<enc>` (a sender key distribution) to that
/// device only.
extension MessageRouter {
    /// `POST /sandbox/groups`: a group of `creator` and `participants`, all existing accounts,
    /// addressed by phone number or (`addressingMode` "lid") by LID; every member's companions
    /// get `<create type=new>`.
    func createGroup(
        subject: String, creator: String, participants: [String], addressingMode: String? = nil, now: Date = Date()
    ) async throws(ControlError) -> GroupRecord {
        if let addressingMode, !Self.groupAddressingModes.contains(addressingMode) {
            throw .badRequest("AddressingMode must be pn or lid, not \"\(addressingMode)\"")
        }
        try await requireAccounts([creator] + participants)
        let group: GroupRecord
        do throws(PrivateFile.WriteError) {
            group = try await groups.create(
                subject: subject, creator: creator, participants: participants, addressingMode: addressingMode, now: now)
        } catch {
            throw .internalError("\(error)")
        }
        let names = await memberNames(of: group)
        await announce(
            [.created(GroupNotification.Creation(type: "new", group: await addressedMetadata(of: group)))], in: group,
            names: names, by: creator, to: group.participants, now: now)
        return group
    }

    /// `POST /sandbox/groups/participants`: the admin (`actor`, the creator when nil) adds or
    /// removes `phones`, or each of `phones` leaves. The members before the change get
    /// `<add>`/`<remove>` (a leave is a member removing itself), added ones `<create>`; after a
    /// removal the remaining phones start over with a new sender key.
    func changeParticipants(
        of jid: JID, _ action: GroupMemberAction, phones: [String], by actor: String?, now: Date = Date()
    ) async throws(ControlError) -> GroupRecord {
        guard !phones.isEmpty else { throw .badRequest("Participants must not be empty") }
        guard Set(phones).count == phones.count else { throw .badRequest("Participants lists a phone twice") }
        try await requireAccounts(phones + [actor].compactMap { $0 })
        let version = String(Int64(now.timeIntervalSince1970 * 1_000_000))
        let (before, after) = try await groups.update(jid) { group throws(ControlError) in
            switch action {
            case .add, .remove:
                let admin = actor ?? group.creator
                guard group.isAdmin(admin) else { throw .forbidden("\(admin) is no admin of \(jid)") }
            case .leave:
                break
            }
            for phone in phones where group.participants.contains(phone) == (action == .add) {
                throw action == .add
                    ? ControlError.conflict("\(phone) is in \(jid) already") : ControlError.notFound("\(phone) is not in \(jid)")
            }
            group.participants = action == .add ? group.participants + phones : group.participants.filter { !phones.contains($0) }
            group.settings?.admins.removeAll(where: phones.contains)
            group.participantVersionID = version
        }
        let previous = before.participantVersionID ?? ""
        let names = await memberNames(of: after, and: phones)
        func change(_ action: GroupNotification.ParticipantChange.Action, _ phones: [String]) -> GroupNotification.Change {
            .participants(
                GroupNotification.ParticipantChange(
                    action: action, participants: phones.map(names.jid), alternatives: names.alternatives(of: phones),
                    previousVersionID: previous, versionID: version))
        }
        switch action {
        case .add:
            let admin = actor ?? before.creator
            await announce([change(.add, phones)], in: after, names: names, by: admin, to: before.participants, now: now)
            await announce(
                [.created(GroupNotification.Creation(group: await addressedMetadata(of: after)))], in: after, names: names,
                by: admin, to: phones, now: now)
        case .remove:
            await announce(
                [change(.remove, phones)], in: after, names: names, by: actor ?? before.creator, to: before.participants,
                now: now)
        case .leave:
            for phone in phones {
                await announce([change(.remove, [phone])], in: after, names: names, by: phone, to: before.participants, now: now)
            }
        }
        if action != .add { await startOverSenderKeys(in: after) }
        return after
    }

    /// `POST /sandbox/groups/subject`: a member (`actor`, the creator when nil; an admin when
    /// the group is locked) renames the group.
    func changeSubject(of jid: JID, to subject: String, by actor: String?, now: Date = Date()) async throws(ControlError)
        -> GroupRecord
    {
        let timestamp = Int64(now.timeIntervalSince1970)
        let (_, after) = try await groups.update(jid) { group throws(ControlError) in
            let member = actor ?? group.creator
            try Self.requireEditor(member, of: group)
            group.subject = subject
            group.subjectSetAt = timestamp
            group.subjectSetBy = member
        }
        let member = after.subjectSetBy ?? after.creator
        let names = await memberNames(of: after)
        await announce(
            [.subject(name: subject, setAt: timestamp, setBy: names.jid(member), setByPN: names.phoneNumber(member))],
            in: after, names: names, by: member, to: after.participants, now: now)
        return after
    }

    func requireAccounts(_ phones: [String]) async throws(ControlError) {
        for phone in phones {
            guard await accounts.account(phone: phone) != nil else { throw .notFound("no account \(phone)") }
        }
    }

    /// How `group` names its members and `others` (members that just left) in notifications.
    func memberNames(of group: GroupRecord, and others: [String] = []) async -> GroupMemberNames {
        GroupMemberNames(isLIDAddressed: group.isLIDAddressed, lids: await memberLIDs(of: group, and: others))
    }

    /// The LID users of `group`'s members, its creator and `others`, by phone number.
    func memberLIDs(of group: GroupRecord, and others: [String] = []) async -> [String: String] {
        var lids: [String: String] = [:]
        for phone in Set(group.participants + [group.creator] + others) {
            lids[phone] = await accounts.account(phone: phone)?.lid
        }
        return lids
    }

    /// Sends `changes`, made by `actor`, to every companion of `phones` (phones keep no
    /// notifications), naming the members as `names` does.
    func announce(
        _ changes: [GroupNotification.Change], in group: GroupRecord, names: GroupMemberNames, by actor: String,
        to phones: [String], now: Date
    ) async {
        let notification = GroupNotification(
            group: group.jid, id: SandboxConnection.randomID(), notify: await accounts.account(phone: actor)?.pushName ?? "",
            sender: names.jid(actor), senderPN: names.phoneNumber(actor), timestamp: Int64(now.timeIntervalSince1970),
            changes: changes)
        let node = names.node(of: notification)
        for phone in phones {
            guard let account = await accounts.account(phone: phone) else { continue }
            for companion in account.companions.map({ account.deviceJID($0.deviceID) }) {
                await deliver(node, to: companion)
            }
        }
    }

    /// Why `phone` may not send to `group`, nil when it may: only members send, and only
    /// admins in an announcement group (`<announcement/>`).
    static func sendRefusal(of phone: String, in group: GroupRecord) -> String? {
        guard group.participants.contains(phone) else { return "\(phone) is not in \(group.jid)" }
        guard group.settings?.isAnnounce != true || group.isAdmin(phone) else {
            return "only admins send to \(group.jid), an announcement group, and \(phone) is no admin"
        }
        return nil
    }

    /// Each member's phone drops its own sender key for `group`, as a WhatsApp client does when
    /// a member left: its next message there carries a new key that only the members get.
    private func startOverSenderKeys(in group: GroupRecord) async {
        for phone in group.participants {
            guard let account = await accounts.account(phone: phone) else { continue }
            let name = GroupMessageEncryptor.senderKeyName(
                group: group.jid, sender: Self.groupDevice(0, of: account, in: group))
            do {
                try await phones.startOver(name, of: group.jid, phone: phone)
            } catch {
                logger.error("could not drop a phone's sender key", metadata: ["phone": "\(phone)", "error": "\(error)"])
            }
        }
    }

    /// Answers `<iq xmlns=w:g2 type=get to=<group>><query/>` from `device`, a participant's.
    func groupInfo(_ iq: Node, asker device: JID) async throws(IQRefusal) -> Node {
        guard let jid = GroupInfoQuery.group(in: iq) else { throw .badRequest("w:g2 query without a group in to") }
        guard let group = await groups.group(jid) else { throw .notFound("no group \(jid)") }
        guard group.participants.contains(device.user) else { throw .forbidden("\(device) is not in \(jid)") }
        return GroupInfoQuery.answer(to: iq, metadata: await addressedMetadata(of: group))
    }

    /// Checks a group `<message to=<group> phash>[<participants>…]<enc type=skmsg>` from a
    /// member's device (an admin's in an announcement group: 403 otherwise) and builds the copies: with an `skmsg`, every member device but the
    /// sender's gets it (after its own `<enc>` from `<participants>`, if any); without one, only
    /// the devices `<participants>` lists get theirs (a resend). The ack names the server's
    /// `phash` when the sender's differs.
    func checkGroup(
        _ stanza: Node, id: String, group jid: JID, from sender: JID, account: VirtualAccount, now: Date
    ) async throws(MessageRefusal) -> RoutedMessage {
        guard let group = await groups.group(jid) else { throw .notFound("no group \(jid)") }
        if let refusal = Self.sendRefusal(of: account.phone, in: group) { throw .forbidden(refusal) }
        let memberDevices = await memberDevices(of: group)
        let members = memberDevices.map(\.device)
        let senderDevice = account.deviceJID(sender.device)
        var own: [JID: [Node]] = [:]
        for participant in stanza.child(tagged: "participants")?.children ?? [] {
            guard participant.tag == "to", let target = participant["jid"]?.jid else {
                throw .badRequest("participants hold <\(participant.tag)> without a jid")
            }
            // Named in the group's addressing (LID devices in a LID-addressed group).
            guard let device = memberDevices.first(where: { $0.addressed == target })?.device else {
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
        Self.nameParticipant(sender.device, of: account, in: group, in: &attributes)
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
            serverPHash: Self.mismatchedPHash(of: stanza, devices: memberDevices.map(\.addressed)))
    }

    /// `POST /sandbox/send` to a group: `account`'s phone (a member's; an admin's in an
    /// announcement group) encrypts `message` with its sender key, sends the key to the member
    /// devices that lack it, and routes it like any message.
    func phoneSend(_ message: WAE2E_Message, from account: VirtualAccount, toGroup jid: JID) async throws(ControlError)
        -> RoutedMessage
    {
        guard let group = await groups.group(jid) else { throw .notFound("no group \(jid)") }
        if let refusal = Self.sendRefusal(of: account.phone, in: group) { throw .forbidden(refusal) }
        let store = GroupPhoneSignalStore(sessions: PhoneSignalStore(account: account, state: phones))
        let members = await memberDevices(of: group).map(\.addressed)
        let sender = Self.groupDevice(0, of: account, in: group)
        let id = MessageID.generate(ownUser: account.phone)
        let built: GroupMessageEncryptor.Stanza
        do {
            built = try await phoneSignal.run(in: account.phone) {
                try await GroupMessageEncryptor(store: store, fetchBundles: { try await self.claimBundles($0) }).stanza(
                    for: message, id: id, group: jid, sender: sender,
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
        await phoneSent.remember(message, id: id, by: account.phone)
        await deliver(routed)
        return routed
    }
}
