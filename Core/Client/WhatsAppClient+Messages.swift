import Foundation
import Logging
import SwiftProtobuf
import WABinary
import WAMessaging
import WAProto
import WASignal
import WATransport
import WagoStore

/// Sending and receiving 1:1 messages: device lists, sessions, encryption per device, the
/// server's ack, and receipts both ways.
extension WhatsAppClient {
    /// What the server said when it took a message.
    public struct SentMessage: Sendable {
        public var id: String
        public var timestamp: Date
    }

    /// Encrypts `message` for every device of `chat` and our other devices, sends it, and
    /// waits for the server's ack.
    /// - Throws: `ClientError.notLoggedIn`, `ClientError.server` when the server refuses it.
    public func send(_ message: WAE2E_Message, to chat: JID, id: String? = nil) async throws -> SentMessage {
        guard loggedIn, let ownJID = device.jid.flatMap({ try? JID(parsing: $0) }) else { throw ClientError.notLoggedIn }
        let id = id ?? MessageID.generate(ownUser: ownJID.user)
        let devices = try await deviceList(of: [chat.nonAD, ownJID.nonAD])
        let recipientDevices = devices.filter { $0.user == chat.user && $0.server == chat.server }
        let ownDevices = devices.filter { $0.user == ownJID.user && $0.server == ownJID.server && $0.device != ownJID.device }
        let socket = self.socket
        let encryptor = MessageEncryptor(store: signal) { devices in
            let answer = try await socket.sendIQ(PreKeyBundleQuery.request(devices: devices))
            try ClientError.check(answer)
            return try PreKeyBundleQuery.bundles(in: answer)
        }
        let stanza = try await encryptor.stanza(
            for: message, id: id, to: chat, recipientDevices: recipientDevices, ownDevices: ownDevices,
            deviceIdentity: try deviceIdentityForPeers())
        let ack = try await sendAwaitingAck(stanza, id: id)
        if let error = ack["error"] {
            throw ClientError.server(code: Int(error.description) ?? 0, text: "message refused")
        }
        let seconds = ack["t"].flatMap { Double($0.description) } ?? Date().timeIntervalSince1970
        return SentMessage(id: id, timestamp: Date(timeIntervalSince1970: seconds))
    }

    /// Sends an IQ for a plugin and returns the server's answer, whatever its type.
    public func sendIQ(_ iq: Node, timeout: Duration) async throws -> Node {
        guard loggedIn else { throw ClientError.notLoggedIn }
        return try await socket.sendIQ(iq, timeout: timeout)
    }

    /// Sends any stanza for a plugin.
    public func sendNode(_ node: Node) async throws {
        guard loggedIn else { throw ClientError.notLoggedIn }
        try await socket.send(node)
    }

    /// Every device of `users`, by usync.
    private func deviceList(of users: [JID]) async throws -> [JID] {
        let answer = try await socket.sendIQ(DeviceListQuery.request(users: users))
        try ClientError.check(answer)
        return try DeviceListQuery.devices(in: answer)
    }

    /// Our signed device identity as peers get it: without the account signature key.
    private func deviceIdentityForPeers() throws -> [UInt8]? {
        guard let account = device.account else { return nil }
        var identity = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: account)
        identity.clearAccountSignatureKey()
        return try identity.serializedBytes()
    }

    /// Sends `stanza` and waits (bounded) for the server's `<ack class=message id>`.
    private func sendAwaitingAck(_ stanza: Node, id: String) async throws -> Node {
        let (acks, sink) = AsyncStream<Node>.makeStream()
        pendingAcks[id] = sink
        defer { pendingAcks[id] = nil }
        try await socket.send(stanza)
        return try await withThrowingTaskGroup(of: Node?.self) { group in
            group.addTask { await acks.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                return nil
            }
            defer { group.cancelAll() }
            guard let ack = try await group.next() ?? nil else { throw ClientError.server(code: 408, text: "no ack") }
            return ack
        }
    }

    // MARK: Receiving

    /// `<ack>` for one of our messages: hands it to the sender waiting for it.
    func handleAck(_ ack: Node) {
        guard ack["class"]?.description == "message", let id = ack["id"]?.description,
            let waiter = pendingAcks.removeValue(forKey: id)
        else { return }
        waiter.yield(ack)
        waiter.finish()
    }

    /// An incoming message: decrypt, report, then the delivery receipt and ack; a message we
    /// cannot decrypt gets a retry receipt instead.
    func handleMessage(_ stanza: Node) async throws {
        guard let ownJID = device.jid.flatMap({ try? JID(parsing: $0) }) else { return }
        do {
            let received = try await ReceivedMessage.decrypt(stanza, ownUser: ownJID, store: signal)
            eventSink.yield(.message(received))
            if let receipt = Receipts.receipt(for: stanza, type: received.isFromMe ? "sender" : nil) {
                try await socket.send(receipt)
            }
        } catch {
            logger.warning("could not decrypt a message", metadata: ["id": "\(stanza["id"]?.description ?? "")", "error": "\(error)"])
            try await socket.send(try await retryReceipt(for: stanza))
        }
        if let ack = Receipts.ack(for: stanza) { try await socket.send(ack) }
    }

    /// `<receipt type=retry>`: asks the sender to encrypt again with a fresh session.
    private func retryReceipt(for stanza: Node) async throws -> Node {
        let registrationID = try await signal.localRegistrationID()
        var attributes: Attributes = ["type": "retry"]
        if let id = stanza["id"] { attributes["id"] = id }
        if let from = stanza["from"] { attributes["to"] = from }
        return Node(
            tag: "receipt", attributes: attributes,
            content: .nodes([
                Node(
                    tag: "retry",
                    attributes: ["count": "1", "id": stanza["id"] ?? "", "t": stanza["t"] ?? "", "v": "1"]),
                Node(
                    tag: "registration",
                    content: .bytes((0..<4).reversed().map { UInt8(truncatingIfNeeded: registrationID >> (8 * $0)) })),
            ]))
    }

    /// A delivery or read receipt for messages we sent.
    func handleReceipt(_ stanza: Node) async throws {
        if let from = stanza["from"]?.jid, let id = stanza["id"]?.description {
            var ids = [id]
            ids += stanza.child(tagged: "list")?.children(tagged: "item").compactMap { $0["id"]?.description } ?? []
            eventSink.yield(
                .receipt(
                    MessageReceipt(
                        ids: ids, chat: from.nonAD, sender: from, type: stanza["type"]?.description ?? "delivery",
                        timestamp: Date(timeIntervalSince1970: stanza["t"].flatMap { Double($0.description) } ?? 0))))
        }
        if let ack = Receipts.ack(for: stanza) { try await socket.send(ack) }
    }
}

/// Messages of ours that a peer's device received or read.
public struct MessageReceipt: Sendable {
    public var ids: [String]
    public var chat: JID
    public var sender: JID
    /// "delivery", "read", "played", ...
    public var type: String
    public var timestamp: Date
}
