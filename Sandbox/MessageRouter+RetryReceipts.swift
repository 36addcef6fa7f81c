import Foundation
import Logging
import WABinary
import WACrypto
import WAMessaging
import WASignal

/// Retry receipts: a device that could not decrypt a message asks its sender for it again,
/// and the sender resends it to that device alone (whatsmeow `retry.go`). The server relays
/// the receipt with its keys to the sending device and routes the resend, a `<message>` with
/// one `<enc>` and no `<participants>`. Virtual phones ask too, as real phones do.
extension MessageRouter {
    /// Checks a `<message>` from a client: a retry resend (`checkResend`) or any other (`check`).
    func checkMessageOrResend(_ stanza: Node, from sender: JID, now: Date = Date()) async throws(MessageRefusal)
        -> RoutedMessage
    {
        guard Self.isResend(stanza) else { return try await check(stanza, from: sender, now: now) }
        return try await checkResend(stanza, from: sender, now: now)
    }

    /// A resend carries its one-to-one `<enc>` directly: no `<participants>`, no `skmsg`.
    static func isResend(_ stanza: Node) -> Bool {
        let types = stanza.children(tagged: "enc").compactMap { $0["type"]?.description }
        return stanza.child(tagged: "participants") == nil && !types.contains("skmsg")
            && types.contains { $0 == "pkmsg" || $0 == "msg" }
    }

    /// Checks a resend and builds its one copy: `<message to=<device> device_fanout=false>` goes
    /// to that device (of any account; `recipient` kept for the sender's own devices),
    /// `<message to=<group> participant=<device>>` to that member device as a group message.
    func checkResend(_ stanza: Node, from sender: JID, now: Date) async throws(MessageRefusal) -> RoutedMessage {
        guard let id = stanza["id"]?.description, !id.isEmpty, let to = stanza["to"]?.jid else {
            throw .badRequest("message without id or to")
        }
        guard let senderAccount = await accounts.account(owning: sender) else {
            throw .notAuthorized("\(sender) belongs to no account")
        }
        let senderDevice = senderAccount.deviceJID(sender.device)
        let group = to.server == JID.groupServer ? to.nonAD : nil
        let target: JID
        if let group {
            guard let participant = stanza["participant"]?.jid else { throw .badRequest("group resend without participant") }
            guard let record = await groups.group(group) else { throw .notFound("no group \(group)") }
            guard record.participants.contains(senderAccount.phone), record.participants.contains(participant.user) else {
                throw .forbidden("\(sender) or \(participant) is not in \(group)")
            }
            target = participant
        } else {
            target = to
        }
        guard let owner = await accounts.account(owning: target), owner.deviceIDs.contains(target.device) else {
            throw .notFound("no device \(target)")
        }
        let device = owner.deviceJID(target.device)
        guard device != senderDevice else { throw .badRequest("\(device) is the sender") }

        let timestamp = Int64(now.timeIntervalSince1970)
        var attributes = Self.deliveryAttributes(of: stanza, from: group ?? sender, timestamp: timestamp, account: senderAccount)
        if group != nil {
            attributes["participant"] = .jid(senderDevice)
        } else if owner.phone == senderAccount.phone, let recipient = stanza["recipient"] {
            attributes["recipient"] = recipient
        }
        let content = stanza.children(tagged: "enc") + [stanza.child(tagged: "device-identity")].compactMap { $0 }
        let copy = Node(tag: "message", attributes: attributes, content: .nodes(content))
        return RoutedMessage(
            id: id, chat: group ?? owner.jid, timestamp: timestamp,
            deliveries: [RoutedMessage.Delivery(device: device, stanza: copy)])
    }

    /// Relays `<receipt type=retry to [participant]>` from `device` to the device that sent the
    /// message, with its `<retry>`, `<registration>` and `<keys>`: as `<receipt from=<device>>`
    /// for a 1:1 message, `<receipt from=<group> participant=<device>>` for a group's. A receipt
    /// naming no device of an account is dropped.
    func relayRetry(_ receipt: Node, from device: JID, now: Date = Date()) async {
        guard let id = receipt["id"], let to = receipt["to"]?.jid else {
            logger.info("dropped a retry receipt without id or to")
            return
        }
        var attributes: Attributes = [
            "from": .jid(device), "id": id, "t": .string(String(Int64(now.timeIntervalSince1970))), "type": "retry",
        ]
        var sender = to
        if to.server == JID.groupServer {
            guard let participant = receipt["participant"]?.jid else {
                logger.info("dropped a group retry receipt without participant")
                return
            }
            attributes["from"] = .jid(to.nonAD)
            attributes["participant"] = .jid(device)
            sender = participant
        }
        if let recipient = receipt["recipient"] { attributes["recipient"] = recipient }
        guard let owner = await accounts.account(owning: sender), owner.deviceIDs.contains(sender.device) else {
            logger.info("dropped a retry receipt for an unknown device", metadata: ["to": "\(sender)"])
            return
        }
        let relayed = Node(tag: "receipt", attributes: attributes, content: .nodes(receipt.children))
        await deliver(relayed, to: owner.deviceJID(sender.device))
    }

    /// `account`'s phone could not decrypt `stanza` (`error`): it asks the sender again as
    /// whatsmeow does, counting from the resend's `count`, with its keys (a one-time prekey
    /// taken off the server) when it has no session with the sender or asked before, and
    /// gives up after `RetryReceipt.maxCount`. Runs in the phone's lane, like `phoneReceive`.
    func phoneRequestRetry(for stanza: Node, account: VirtualAccount, after error: any Error) async {
        guard let signalError = error as? SignalError else { return }
        if case .duplicateMessage = signalError { return }
        let count = RetryReceipt.answeredCount(of: stanza) + 1
        guard count <= RetryReceipt.maxCount, let from = stanza["from"]?.jid else { return }
        let sender = stanza["participant"]?.jid ?? from
        let phoneDevice = account.deviceJID(0)
        // A message from a LID device went to the phone's LID: the phone asks as its LID, as WhatsApp's do.
        let asking = sender.server == JID.lidServer ? account.lidDeviceJID(0) : phoneDevice
        do {
            let session = try await PhoneSignalStore(account: account, state: phones).session(for: sender.signalAddress)
            let keys = count > 1 || session?.hasSession != true ? try await claimBundles([phoneDevice])[phoneDevice] : nil
            guard
                let request = RetryReceipt.request(
                    for: stanza, count: count, registrationID: account.phoneKeys.registrationID, keys: keys)
            else { return }
            await relayRetry(request, from: asking)
        } catch {
            logger.warning("a virtual phone could not ask for a message again", metadata: ["error": "\(error)"])
        }
    }

    /// A retry receipt for a message `phone`'s phone sent: it encrypts the message again for
    /// the device that asked, on a new session from the receipt's keys when it gives some, and
    /// routes the resend, as whatsmeow answers one. Phones keep no answer history: one that is
    /// asked again without keys always starts a new session. Runs in the phone's lane.
    func phoneAnswerRetry(_ receipt: Node, phone: String) async {
        guard let account = await accounts.account(phone: phone) else { return }
        do {
            let retry = try RetryReceipt(receipt)
            guard let message = await phoneSent.message(retry.messageID, by: phone) else {
                logger.info("a virtual phone was asked again for a message it does not remember", metadata: ["id": "\(retry.messageID)"])
                return
            }
            let sender = account.deviceJID(0)
            let store = GroupPhoneSignalStore(sessions: PhoneSignalStore(account: account, state: phones))
            let resend = try await retry.resend(
                message, sender: sender, store: store, senderKeys: store,
                fetchBundles: { try await self.claimBundles($0) }, history: RetryReceipt.AnswerHistory(),
                deviceIdentity: nil)
            await deliver(try await checkResend(resend, from: sender, now: Date()))
        } catch {
            logger.warning("a virtual phone could not answer a retry receipt", metadata: ["error": "\(error)"])
        }
    }

    /// `POST /sandbox/phone/forget-session`: `phone`'s phone drops its sessions with `device`,
    /// by phone number and by LID (still trusting its identity), as a phone that lost its
    /// state; the next message from that device fails to decrypt and the phone sends a retry
    /// receipt with its keys.
    func phoneForgetSession(of phone: String, with device: JID) async throws(ControlError) {
        guard let account = await accounts.account(phone: phone) else { throw .notFound("no account \(phone)") }
        var known: [(address: SignalAddress, identity: [UInt8])] = []
        for address in await addresses(of: device) {
            if let identity = await phones.identity(of: phone, for: address) { known.append((address, identity)) }
        }
        guard !known.isEmpty else { throw .notFound("\(phone) has no session with \(device)") }
        let store = PhoneSignalStore(account: account, state: phones)
        let forgotten = known
        do {
            try await phoneSignal.run(in: phone) {
                for (address, identity) in forgotten {
                    try await store.commit(
                        SessionCommit(
                            address: address, record: SessionRecord(), remoteIdentity: try Curve25519PublicKey(identity),
                            consumedPreKeyID: nil))
                }
            }
        } catch {
            throw .internalError("\(error)")
        }
    }

    /// Whether `phone`'s phone holds a session with `device`, by phone number or by LID.
    func phoneHasSession(_ phone: String, with device: JID) async throws -> Bool {
        for address in await addresses(of: device) where try await phones.session(of: phone, with: address)?.hasSession == true {
            return true
        }
        return false
    }

    /// The Signal addresses of `device`: its phone-number and LID forms when an account owns it.
    private func addresses(of device: JID) async -> [SignalAddress] {
        guard let owner = await accounts.account(owning: device) else { return [device.signalAddress] }
        return [owner.deviceJID(device.device), owner.lidDeviceJID(device.device)].map(\.signalAddress)
    }
}
