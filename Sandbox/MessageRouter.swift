import Foundation
import Logging
import WABinary
import WAMessaging

/// Moves messages and receipts between devices, 1:1 and in groups (`MessageRouter+Groups`):
/// each addressed device gets its copy on its live connection, or in its offline queue until
/// it logs in; device 0 of every account is the virtual phone, which decrypts what it gets
/// (`MessageRouter+VirtualPhone`). Device changes reach the peers as notifications
/// (`MessageRouter+DeviceNotifications`).
struct MessageRouter: Sendable {
    let accounts: AccountStore
    let connections: ConnectionRegistry
    let offline: OfflineQueue
    let phones: PhoneStore
    let groups: GroupStore
    /// What the phones sent, for retry receipts.
    let phoneSent = PhoneSentMessages()
    /// Which accounts messaged each other, for device notifications.
    let contacts = Contacts()
    /// Runs each virtual phone's Signal operations one at a time, in a lane per phone number:
    /// phones decrypt and encrypt in parallel, each in order.
    let phoneSignal = SerialQueue()
    let logger: Logger

    // MARK: Messages

    /// Checks a `<message id to type><participants><to jid=device><enc>…` from `sender` and
    /// builds each addressed device's copy. Every `<to>` must name an existing device of the
    /// chat's account or of the sender's own account (other than the sender), with an `<enc>`.
    /// A `phash` other than the server's own over both accounts' devices is answered in the ack.
    func check(_ stanza: Node, from sender: JID, now: Date = Date()) async throws(MessageRefusal) -> RoutedMessage {
        guard let id = stanza["id"]?.description, !id.isEmpty, let to = stanza["to"]?.jid else {
            throw .badRequest("message without id or to")
        }
        guard let senderAccount = await accounts.account(owning: sender) else {
            throw .notAuthorized("\(sender) belongs to no account")
        }
        if to.server == JID.groupServer {
            return try await checkGroup(stanza, id: id, group: to, from: sender, account: senderAccount, now: now)
        }
        guard to.server == JID.userServer || to.server == JID.lidServer else {
            throw .badRequest("only 1:1 and group messages are routed, not to \(to)")
        }
        guard let chatAccount = await accounts.account(owning: to) else { throw .notFound("no account \(to)") }
        guard let participants = stanza.child(tagged: "participants"), !participants.children.isEmpty else {
            throw .badRequest("message without participants")
        }
        let timestamp = Int64(now.timeIntervalSince1970)
        let chat = chatAccount.jid
        let deviceIdentity = stanza.child(tagged: "device-identity")
        var deliveries: [RoutedMessage.Delivery] = []
        for participant in participants.children {
            guard participant.tag == "to", let target = participant["jid"]?.jid else {
                throw .badRequest("participants hold <\(participant.tag)> without a jid")
            }
            guard let owner = [chatAccount, senderAccount].first(where: { $0.owns(target) }) else {
                throw .forbidden("\(target) is a device of neither \(chat) nor the sender")
            }
            guard owner.deviceIDs.contains(target.device) else { throw .notFound("no device \(target)") }
            let device = owner.deviceJID(target.device)
            guard device != senderAccount.deviceJID(sender.device) else { throw .badRequest("\(device) is the sender") }
            let encs = participant.children(tagged: "enc")
            guard !encs.isEmpty else { throw .badRequest("<to jid=\(target)> without <enc>") }

            let attributes = Self.oneToOneAttributes(
                of: stanza, from: sender, timestamp: timestamp, senderAccount: senderAccount, chatAccount: chatAccount,
                toSenderAccount: owner.phone == senderAccount.phone)
            deliveries.append(
                RoutedMessage.Delivery(
                    device: device,
                    stanza: Node(tag: "message", attributes: attributes, content: .nodes(encs + [deviceIdentity].compactMap { $0 }))))
        }
        await contacts.record(senderAccount.phone, chatAccount.phone)
        let accountsDevices = Set(Self.addressedDevices(of: [chatAccount, senderAccount], to: to))
        return RoutedMessage(
            id: id, chat: chat, timestamp: timestamp, deliveries: deliveries,
            serverPHash: Self.mismatchedPHash(of: stanza, devices: Array(accountsDevices)))
    }

    /// What every copy of `stanza` says: sender, id, server time, type, the sender's push name,
    /// and the `edit` attribute.
    static func deliveryAttributes(of stanza: Node, from sender: JID, timestamp: Int64, account: VirtualAccount) -> Attributes {
        var attributes: Attributes = [
            "from": .jid(sender), "id": stanza["id"] ?? "", "t": .string(String(timestamp)),
            "type": stanza["type"] ?? "text", "notify": .string(account.pushName),
        ]
        if let edit = stanza["edit"] { attributes["edit"] = edit }
        return attributes
    }

    /// The server's `ParticipantHash` of `devices` when the stanza's `phash` differs from it
    /// (whatsmeow then drops its cached lists), nil when it matches or there is none.
    static func mismatchedPHash(of stanza: Node, devices: [JID]) -> String? {
        guard let sent = stanza["phash"]?.description else { return nil }
        let expected = ParticipantHash.of(devices)
        return sent == expected ? nil : expected
    }

    /// Hands every addressed device its copy: once this returns, each copy is on its device's
    /// connection, in its offline queue or in its phone's lane, and the sender may be acked.
    func deliver(_ message: RoutedMessage) async {
        for delivery in message.deliveries {
            await deliver(delivery.stanza, to: delivery.device)
        }
    }

    // MARK: Receipts

    /// Forwards `<receipt id to [participant] [type]>` from `device` to every device of the
    /// original sender's account: as `<receipt from=<device> id t [type]/>` for a 1:1 message,
    /// as `<receipt from=<group> participant=<device> …/>` for a group's (`to` the group,
    /// `participant` its sender).
    func forward(receipt: Node, from device: JID, now: Date = Date()) async throws(MessageRefusal) {
        guard let id = receipt["id"], let to = receipt["to"]?.jid else { throw .badRequest("receipt without id or to") }
        var attributes: Attributes = ["from": .jid(device), "id": id, "t": .string(String(Int64(now.timeIntervalSince1970)))]
        var sender = to
        if to.server == JID.groupServer {
            guard let participant = receipt["participant"]?.jid else { throw .badRequest("group receipt without participant") }
            attributes["from"] = .jid(to)
            attributes["participant"] = .jid(device)
            sender = participant
        }
        guard let owner = await accounts.account(owning: sender) else { throw .notFound("no account \(sender)") }
        if let type = receipt["type"] { attributes["type"] = type }
        let forwarded = Node(tag: "receipt", attributes: attributes)
        for target in owner.deviceIDs.map(owner.deviceJID) where target != device {
            await deliver(forwarded, to: target)
        }
    }

    // MARK: Device lists

    /// The devices of the account `user` names (phone number or LID): none for an unknown one.
    func deviceIDs(of user: JID) async -> [UInt16] {
        await accounts.account(owning: user)?.deviceIDs ?? []
    }

    // MARK: Delivery

    /// Sends `stanza` on `device`'s live connection, or queues it for its next login. The
    /// phone (device 0) takes messages itself, later and in order, in its lane of `phoneSignal`
    /// (as WhatsApp's server acks a sender before the recipient has the message), and retry
    /// receipts for what it sent; other stanzas for it are dropped, it keeps none.
    func deliver(_ stanza: Node, to device: JID) async {
        if device.device == 0 {
            if stanza.tag == "message" {
                await phoneSignal.enqueue(in: device.user) { await phoneReceive(stanza, phone: device.user) }
            } else if stanza.tag == "receipt", stanza["type"]?.description == "retry" {
                await phoneSignal.enqueue(in: device.user) { await phoneAnswerRetry(stanza, phone: device.user) }
            }
            return
        }
        if let connection = await connections.connection(for: device), await connection.deliver(stanza) { return }
        do {
            try await offline.append([stanza], for: device)
        } catch {
            logger.error("could not queue a stanza", metadata: ["device": "\(device)", "error": "\(error)"])
        }
    }
}
