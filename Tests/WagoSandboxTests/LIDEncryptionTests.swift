import SwiftProtobuf
import Synchronization
import Testing
import WABinary
import WACrypto
import WAMessaging
import WAProto
import WASignal

/// Sends to a phone-number device whose LID is known go on the LID's Signal session
/// (whatsmeow's `encryptMessageForDevices`, `handleRetryReceipt`), while `<to jid>` keeps the
/// device as it was addressed: 1:1 stanzas, a group's sender key distribution, retry resends.
@Suite("LID encryption")
struct LIDEncryptionTests {
    let phone = JID(user: "5511987654321", server: JID.userServer)
    let lid = JID(user: "201234567890123", server: JID.lidServer)
    let other = JID(user: "5511900000002", server: JID.userServer)
    /// The peer's phone (device 0) as addressed, and the same device as its LID.
    var peerDevice: JID { JID(user: phone.user, server: JID.userServer, device: 0) }
    var peerLIDDevice: JID { JID(user: lid.user, server: JID.lidServer, device: 0) }
    /// Our device, as the peer sees the messages come.
    let ownDevice = JID(user: "5511900000001", server: JID.userServer, device: 3)

    @Test("a phone-number device with a known LID is the same device of the LID; any other device is itself")
    func sessionDevice() {
        let group = JID(user: "120363000000000009", server: JID.groupServer)
        let encryption = LIDEncryption(lids: [phone: lid, group: lid, other: JID(user: "5511900000003", server: JID.userServer)])
        #expect(encryption.lids == [phone: lid], "pairs that are not a phone number and a LID are left out")
        let device = JID(user: phone.user, server: JID.userServer, device: 7)
        #expect(encryption.sessionDevice(for: device) == JID(user: lid.user, server: JID.lidServer, device: 7))
        #expect(encryption.sessionDevice(for: device).signalAddress == SignalAddress(name: "\(lid.user)_1", deviceID: 7))
        #expect(encryption.sessionDevice(for: phone) == lid)
        #expect(encryption.sessionDevice(for: other) == other)
        let lidDevice = JID(user: "201234567890999", server: JID.lidServer, device: 2)
        #expect(encryption.sessionDevice(for: lidDevice) == lidDevice)
        #expect(LIDEncryption().sessionDevice(for: device) == device)
    }

    @Test("the stored LIDs are asked for once, of the phone-number users among the devices")
    func resolve() async throws {
        let asked = Mutex<[Set<JID>]>([])
        let devices = [peerDevice, JID(user: phone.user, server: JID.userServer, device: 4), other, peerLIDDevice]
        let encryption = try await LIDEncryption.of(devices) { [phone, lid, other] phones in
            asked.withLock { $0.append(phones) }
            return [phone: JID(user: lid.user, server: JID.lidServer, device: 9), other: other]
        }
        #expect(asked.withLock { $0 } == [[phone, other]])
        #expect(encryption.lids == [phone: lid], "a LID is a user; an answer that is no LID is dropped")
        let none = try await LIDEncryption.of([peerLIDDevice]) { _ in
            Issue.record("asked for LIDs without a phone number among the devices")
            return [:]
        }
        #expect(none == LIDEncryption())
    }

    @Test("a 1:1 stanza starts and uses the LID's session for the phone-number device, which reads it")
    func oneToOne() async throws {
        let peer = try Peer()
        let ownStore = try TestSignalStore(TestDevice())
        let fetched = Mutex<[JID]>([])
        let fetch: @Sendable ([JID]) async throws -> [JID: PreKeyBundle] = { [peerDevice] devices in
            fetched.withLock { $0 += devices }
            return [peerDevice: try peer.bundle()]
        }
        let encryptor = MessageEncryptor(store: ownStore, fetchBundles: fetch, lids: LIDEncryption(lids: [phone: lid]))
        for text in ["primeira", "segunda"] {
            let stanza = try await encryptor.stanza(
                for: Self.text(text), id: "3EB0000000000000000001", to: phone, recipientDevices: [peerDevice], ownDevices: [],
                deviceIdentity: nil)
            let to = try #require(stanza.child(tagged: "participants")?.children.first)
            #expect(to["jid"]?.jid == peerDevice, "<to> names the device as addressed")
            #expect(try await peer.read(try #require(to.child(tagged: "enc")), from: ownDevice).conversation == text)
        }
        #expect(fetched.withLock { $0 } == [peerDevice], "the bundle is fetched once, for the device as addressed")
        #expect(await ownStore.session(for: peerLIDDevice.signalAddress)?.hasSession == true)
        #expect(await ownStore.session(for: peerDevice.signalAddress) == nil, "no session by phone number")
    }

    @Test("a group's sender key goes to a phone-number member's device on its LID's session")
    func senderKeyDistribution() async throws {
        let peer = try Peer()
        let ownStore = try TestSignalStore(TestDevice())
        try await SessionCipher(store: ownStore, address: peerLIDDevice.signalAddress).processBundle(try peer.bundle())
        let encryptor = GroupMessageEncryptor(
            store: LIDGroupStanzaTests.DeviceStores(sessions: ownStore, senderKeys: TestSenderKeyStore()),
            fetchBundles: { devices in throw MessagingError.noBundle(devices.map(\.description).joined(separator: ",")) },
            lids: LIDEncryption(lids: [phone: lid]))
        let group = JID(user: "120363000000000009", server: JID.groupServer)
        let built = try await encryptor.stanza(
            for: Self.text("oi, grupo"), id: "3EB0000000000000000002", group: group, sender: ownDevice,
            participantDevices: [ownDevice, peerDevice], holders: [], deviceIdentity: nil)
        #expect(built.distributedTo == [peerDevice])
        let to = try #require(built.node.child(tagged: "participants")?.children.first)
        #expect(to["jid"]?.jid == peerDevice)
        let distribution = try await peer.read(try #require(to.child(tagged: "enc")), from: ownDevice)
        #expect(distribution.senderKeyDistributionMessage.groupID == group.description)
        #expect(await ownStore.session(for: peerDevice.signalAddress) == nil)
    }

    @Test("a retry receipt from a phone-number device is answered on its LID's session, with no new session")
    func retryResend() async throws {
        let peer = try Peer()
        let ownStore = try TestSignalStore(TestDevice())
        try await SessionCipher(store: ownStore, address: peerLIDDevice.signalAddress).processBundle(try peer.bundle())
        let receipt = try RetryReceipt(
            Node(
                tag: "receipt", attributes: ["from": .jid(peerDevice), "id": "3EB0000000000000000003", "type": "retry"],
                content: .nodes([
                    Node(tag: "retry", attributes: ["count": "1", "id": "3EB0000000000000000003", "t": "1760000000"]),
                    Node(tag: "registration", content: .bytes([0, 0, 4, 210])),
                ])))
        let resend = try await receipt.resend(
            Self.text("de novo"), sender: ownDevice, store: ownStore, senderKeys: TestSenderKeyStore(),
            fetchBundles: { devices in throw MessagingError.noBundle(devices.map(\.description).joined(separator: ",")) },
            history: RetryReceipt.AnswerHistory(), deviceIdentity: nil, lids: LIDEncryption(lids: [phone: lid]))
        #expect(resend["to"]?.jid == peerDevice)
        #expect(try await peer.read(try #require(resend.child(tagged: "enc")), from: ownDevice).conversation == "de novo")
        #expect(await ownStore.session(for: peerDevice.signalAddress) == nil)
    }

    static func text(_ text: String) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.conversation = text
        return message
    }

    /// The peer's phone: its keys, its bundle, and its reading of what we encrypt for it.
    struct Peer {
        let device = TestDevice()
        let store: TestSignalStore

        init() throws {
            store = try TestSignalStore(device)
        }

        /// Its bundle without a one-time prekey: the identity and the signed prekey.
        func bundle() throws -> PreKeyBundle {
            PreKeyBundle(
                registrationID: TestSignalStore.registrationID, deviceID: 0, preKey: nil, signedPreKeyID: 1,
                signedPreKey: device.signedPreKey.publicKey,
                signedPreKeySignature: try XEdDSA.sign(
                    privateKey: device.identityKey.privateKey, message: device.signedPreKey.publicKey.serialized),
                identityKey: device.identityKey.publicKey)
        }

        /// `enc` decrypted on the peer's session with `sender`.
        func read(_ enc: Node, from sender: JID) async throws -> WAE2E_Message {
            guard case .bytes(let serialized) = enc.content, let type = enc["type"]?.description else {
                throw MessagingError.malformed("an <enc> without bytes or type")
            }
            let padded = try await SessionCipher(store: store, address: sender.signalAddress)
                .decrypt(try CiphertextMessage(encType: type, serialized: serialized))
            return try WAE2E_Message(serializedBytes: try MessagePadding.unpad(padded))
        }
    }
}
