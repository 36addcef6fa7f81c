import Foundation
import Testing
import WABinary
import WAMessaging
import WAProto
import WASignal
import WagoSandbox
import WATransport

/// A linked test device that messages as the gateway's client does, with WAMessaging: usync
/// device lists, prekey bundles fetched from the sandbox, `MessageEncryptor`, and
/// `ReceivedMessage.decrypt` followed by a delivery receipt and an ack.
struct MessagingCompanion {
    let device: TestDevice
    let store: TestSignalStore

    init(phone: String, deviceID: UInt16) throws {
        device = TestDevice(jid: JID(user: phone, server: JID.userServer, device: deviceID))
        store = try TestSignalStore(device)
    }

    /// The account's user JID.
    var user: JID { device.jid.nonAD }

    /// Logs in (passively, as whatsmeow does) on `socket`, then sends `<active/>`.
    func logIn(_ socket: WhatsAppSocket, _ log: EventLog) async throws {
        _ = try await log.wait { $0.node(tagged: "success") }
        let active = try await socket.sendIQ(
            Node(
                tag: "iq", attributes: ["to": .jid(PreKeyTests.server), "type": "set", "xmlns": "passive"],
                content: .nodes([Node(tag: "active")])))
        #expect(active["type"]?.description == "result")
    }

    /// Runs `body` with this companion connected to the sandbox `info` and logged in.
    func loggedIn<Result: Sendable>(
        _ info: SandboxInfo, _ body: (WhatsAppSocket, EventLog) async throws -> Result
    ) async throws -> Result {
        let socket = makeSocket(info, device: device, payload: device.login)
        return try await withSocket(socket) { log in
            try await logIn(socket, log)
            return try await body(socket, log)
        }
    }

    /// Uploads `count` one-time prekeys, so that senders start sessions with one.
    func uploadPreKeys(_ count: Int, on socket: WhatsAppSocket) async throws {
        let preKeys = PreKeyRecord.generate(firstID: 1, count: count)
        await store.add(preKeys)
        let signed = try #require(await store.signedPreKey(id: 1))
        let answer = try await socket.sendIQ(PreKeyTests.upload(device, preKeys: preKeys, signedPreKey: signed))
        #expect(answer["type"]?.description == "result")
    }

    /// Encrypts `message` for every device of `recipient` and our own other devices, and sends it.
    /// - Returns: the stanza sent.
    @discardableResult
    func send(_ message: WAE2E_Message, to recipient: JID, on socket: WhatsAppSocket) async throws -> Node {
        let devices = try DeviceListQuery.devices(
            in: try await socket.sendIQ(DeviceListQuery.request(users: [recipient, user])))
        let encryptor = MessageEncryptor(store: store) { devices in
            try PreKeyBundleQuery.bundles(in: try await socket.sendIQ(PreKeyBundleQuery.request(devices: devices)))
        }
        let stanza = try await encryptor.stanza(
            for: message, id: MessageID.generate(ownUser: user.user), to: recipient,
            recipientDevices: devices.filter { $0.user == recipient.user },
            ownDevices: devices.filter { $0.user == user.user && $0 != device.jid }, deviceIdentity: nil)
        try await socket.send(stanza)
        return stanza
    }

    /// Waits for the `<message>` with `id`, decrypts it, and sends the delivery receipt and ack.
    func receive(id: String, on socket: WhatsAppSocket, _ log: EventLog) async throws -> (stanza: Node, message: ReceivedMessage) {
        let stanza = try await log.wait { event in
            event.node(tagged: "message").flatMap { $0["id"]?.description == id ? $0 : nil }
        }
        let received = try await ReceivedMessage.decrypt(stanza, ownUser: user, store: store)
        try await socket.send(try #require(Receipts.receipt(for: stanza)))
        try await socket.send(try #require(Receipts.ack(for: stanza)))
        return (stanza, received)
    }

    /// Waits for the group `<message>` with `id` and decrypts it with `senderKeys` (the group
    /// keys this device holds). - Returns: the `<enc>` types it came with, and the message.
    func receiveGroupMessage(id: String, log: EventLog, senderKeys: TestSenderKeyStore) async throws
        -> (encTypes: [String], message: ReceivedMessage)
    {
        let stanza = try await log.wait { event in
            event.node(tagged: "message").flatMap { $0["id"]?.description == id ? $0 : nil }
        }
        let received = try await ReceivedMessage.decrypt(stanza, ownUser: user, store: store, senderKeys: senderKeys)
        return (stanza.children(tagged: "enc").compactMap { $0["type"]?.description }, received)
    }

    static func text(_ text: String) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.conversation = text
        return message
    }
}
