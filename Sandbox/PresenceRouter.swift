import Foundation
import Logging
import WABinary

/// Presence and chat states as WhatsApp moves them: a device subscribes to an account's
/// presence (`<presence type=subscribe to>`) and gets it now and on every change. An account
/// is available while any of its devices (or its virtual phone) said so; when the last one
/// says unavailable, or disconnects without saying it, subscribers get
/// `<presence type=unavailable last>`. A chat state (`<chatstate to><composing/>`) goes to
/// every device of the chat's account, or in a group to every other member's devices as
/// `<chatstate from=<group> participant=<sender>>`. Neither is queued for offline devices, as
/// on WhatsApp; what a virtual phone sees is kept for `GET /sandbox/presences`.
actor PresenceRouter {
    private let accounts: AccountStore
    private let connections: ConnectionRegistry
    private let groups: GroupStore
    private let logger: Logger
    /// Subscribed devices, by the phone number of the account they watch.
    private var subscribers: [String: Set<JID>] = [:]
    /// The devices (0: the phone) that said they are available, by phone number.
    private var availableDevices: [String: Set<UInt16>] = [:]
    /// The last presence each account announced, by phone number.
    private var announced: [String: AnnouncedPresence] = [:]
    /// What each virtual phone saw, oldest first, by phone number.
    private var seen: [String: [PhonePresence]] = [:]

    /// How many presences and chat states each phone keeps; older ones are dropped.
    static let seenLimit = 1000

    private struct AnnouncedPresence {
        var available: Bool
        /// Unix seconds it went unavailable; nil while available.
        var lastSeen: Int64?
    }

    init(accounts: AccountStore, connections: ConnectionRegistry, groups: GroupStore, logger: Logger) {
        self.accounts = accounts
        self.connections = connections
        self.groups = groups
        self.logger = logger
    }

    // MARK: From devices

    /// A `<presence>` or `<chatstate>` from a logged-in device; a bad one is logged and dropped.
    func handle(_ stanza: Node, from device: JID) async {
        do throws(PresenceRefusal) {
            if stanza.tag == "chatstate" {
                try await handle(chatState: stanza, from: device)
            } else {
                try await handle(presence: stanza, from: device)
            }
        } catch {
            logger.info("dropped a presence stanza", metadata: ["tag": "\(stanza.tag)", "reason": "\(error.reason)"])
        }
    }

    /// A `<presence>` a logged-in device sent: a subscription, or its account's availability.
    func handle(presence stanza: Node, from device: JID, now: Date = Date()) async throws(PresenceRefusal) {
        guard let account = await accounts.account(owning: device) else {
            throw .unknownAccount("\(device) belongs to no account")
        }
        switch stanza["type"]?.description {
        case "subscribe":
            guard let to = stanza["to"]?.jid, let watched = await accounts.account(owning: to) else {
                throw .unknownAccount("presence subscribe without a known account in to")
            }
            subscribers[watched.phone, default: []].insert(device)
            if let current = announced[watched.phone] {
                await deliver(Self.presenceNode(of: watched, current), to: device)
            }
        case "available":
            await setAvailable(true, device: device.device, of: account, now: now)
        case "unavailable":
            await setAvailable(false, device: device.device, of: account, now: now)
        case let other:
            throw .badRequest("presence type \(other ?? "missing")")
        }
    }

    /// A `<chatstate to><composing [media]/>|<paused/></chatstate>` a logged-in device sent:
    /// relayed to every device of the chat's account as `<chatstate from=<sender's account>>`,
    /// or of the group's other members as `<chatstate from=<group> participant=<sender's account>>`.
    func handle(chatState stanza: Node, from device: JID) async throws(PresenceRefusal) {
        guard let account = await accounts.account(owning: device) else {
            throw .unknownAccount("\(device) belongs to no account")
        }
        guard let to = stanza["to"]?.jid else { throw .badRequest("chatstate without to") }
        guard let state = stanza.children.first, stanza.children.count == 1,
            ["composing", "paused"].contains(state.tag)
        else { throw .badRequest("chatstate must hold one <composing/> or <paused/>") }
        try await relay(state, from: account, to: to)
    }

    // MARK: From virtual phones

    /// `POST /sandbox/presence`: `phone`'s phone goes online or offline.
    func phoneAnnounces(available: Bool, phone: String, now: Date = Date()) async throws(ControlError) {
        guard let account = await accounts.account(phone: phone) else { throw .notFound("no account \(phone)") }
        await setAvailable(available, device: 0, of: account, now: now)
    }

    /// The connection of `device` closed: if it had said it was available and was its
    /// account's last such device, the account goes unavailable as if it had said so. A device
    /// that logged in again on another connection meanwhile stays as it is.
    func disconnected(_ device: JID, now: Date = Date()) async {
        guard await connections.connection(for: device) == nil,
            availableDevices[device.user]?.contains(device.device) == true,
            let account = await accounts.account(owning: device)
        else { return }
        await setAvailable(false, device: device.device, of: account, now: now)
    }

    /// `POST /sandbox/chatpresence`: `phone`'s phone types (or records audio) in, or stops
    /// typing in, its chat with `to` (an account or a group it is in).
    func phoneChatState(_ state: String, media: String, from phone: String, to: JID) async throws(ControlError) {
        guard let account = await accounts.account(phone: phone) else { throw .notFound("no account \(phone)") }
        guard ["composing", "paused"].contains(state) else {
            throw .badRequest("State must be \"composing\" or \"paused\", not \"\(state)\"")
        }
        guard media.isEmpty || (state == "composing" && media == "audio") else {
            throw .badRequest("Media must be empty or \"audio\" (with composing), not \"\(media)\"")
        }
        let child = Node(tag: state, attributes: media.isEmpty ? [:] : ["media": .string(media)])
        do throws(PresenceRefusal) {
            try await relay(child, from: account, to: to)
        } catch {
            throw error.controlError
        }
    }

    /// Whether the account of `phone` last announced itself available.
    func isAvailable(phone: String) -> Bool {
        announced[phone]?.available == true
    }

    /// `GET /sandbox/presences`: what `phone`'s phone saw, oldest first.
    func seen(by phone: String) async throws(ControlError) -> [PhonePresence] {
        guard await accounts.account(phone: phone) != nil else { throw .notFound("no account \(phone)") }
        return seen[phone] ?? []
    }

    // MARK: Delivery

    /// Records what `device` said; the account is announced available whenever one of its
    /// devices says so, and unavailable once none is left.
    private func setAvailable(_ available: Bool, device: UInt16, of account: VirtualAccount, now: Date) async {
        if available {
            availableDevices[account.phone, default: []].insert(device)
            await announce(AnnouncedPresence(available: true), of: account)
            return
        }
        availableDevices[account.phone]?.remove(device)
        guard availableDevices[account.phone]?.isEmpty ?? true else { return }
        availableDevices[account.phone] = nil
        await announce(AnnouncedPresence(available: false, lastSeen: Int64(now.timeIntervalSince1970)), of: account)
    }

    private func announce(_ presence: AnnouncedPresence, of account: VirtualAccount) async {
        announced[account.phone] = presence
        let node = Self.presenceNode(of: account, presence)
        for subscriber in subscribers[account.phone] ?? [] {
            await deliver(node, to: subscriber)
        }
    }

    private func relay(_ state: Node, from sender: VirtualAccount, to chat: JID) async throws(PresenceRefusal) {
        if chat.server == JID.groupServer {
            try await relay(state, from: sender, toGroup: chat)
            return
        }
        guard chat.server == JID.userServer || chat.server == JID.lidServer else {
            throw .badRequest("chat states are relayed in 1:1 chats and groups only, not to \(chat)")
        }
        guard let recipient = await accounts.account(owning: chat) else { throw .unknownAccount("no account \(chat)") }
        guard recipient.phone != sender.phone else { throw .badRequest("a chat state to one's own account") }
        let node = Node(tag: "chatstate", attributes: ["from": .jid(sender.jid)], content: .nodes([state]))
        for device in recipient.deviceIDs.map(recipient.deviceJID) {
            await deliver(node, to: device)
        }
    }

    /// A chat state in a group: every device of every other member gets it.
    private func relay(_ state: Node, from sender: VirtualAccount, toGroup jid: JID) async throws(PresenceRefusal) {
        guard let group = await groups.group(jid) else { throw .unknownAccount("no group \(jid)") }
        guard group.participants.contains(sender.phone) else { throw .badRequest("\(sender.phone) is not in \(jid)") }
        let node = Node(
            tag: "chatstate", attributes: ["from": .jid(jid), "participant": .jid(sender.jid)], content: .nodes([state]))
        for phone in group.participants where phone != sender.phone {
            guard let member = await accounts.account(phone: phone) else { continue }
            for device in member.deviceIDs.map(member.deviceJID) {
                await deliver(node, to: device)
            }
        }
    }

    /// `<presence from=<account> [type=unavailable] [last=<unix seconds>]/>`.
    private static func presenceNode(of account: VirtualAccount, _ presence: AnnouncedPresence) -> Node {
        var attributes: Attributes = ["from": .jid(account.jid)]
        if !presence.available { attributes["type"] = "unavailable" }
        if let lastSeen = presence.lastSeen { attributes["last"] = .string(String(lastSeen)) }
        return Node(tag: "presence", attributes: attributes)
    }

    /// Sends `node` to `device` if it is connected; a phone (device 0) records it instead.
    private func deliver(_ node: Node, to device: JID) async {
        if device.device == 0 {
            record(node, seenBy: device.user)
            return
        }
        if let connection = await connections.connection(for: device), await connection.deliver(node) { return }
        logger.debug("dropped a presence stanza for an offline device", metadata: ["device": "\(device)"])
    }

    private func record(_ node: Node, seenBy phone: String) {
        let state: Node? = node.tag == "chatstate" ? node.children.first : nil
        let seenPresence = PhonePresence(
            kind: node.tag, from: node["from"]?.description ?? "", participant: node["participant"]?.description,
            state: state?.tag ?? node["type"]?.description ?? "available",
            media: state?["media"]?.description ?? "", lastSeen: node["last"].flatMap { Int64($0.description) })
        seen[phone, default: []].append(seenPresence)
        if let count = seen[phone]?.count, count > Self.seenLimit {
            seen[phone]?.removeFirst(count - Self.seenLimit)
        }
    }
}
