import Foundation
import Testing
import WABinary
import WACrypto
import WASignal
import WATransport
@testable import WagoSandbox

/// The `xmlns=encrypt` prekey store and a companion logging itself out.
@Suite(.timeLimit(.minutes(1)))
struct PreKeyTests {
    static let server = JID(user: "", server: JID.userServer)

    static func encryptIQ(_ type: String, _ children: [Node]) -> Node {
        Node(
            tag: "iq", attributes: ["to": .jid(server), "type": .string(type), "xmlns": "encrypt"],
            content: .nodes(children))
    }

    static func keyNode(_ tag: String, id: UInt32, publicKey: [UInt8], signature: [UInt8]? = nil) -> Node {
        var children = [
            Node(tag: "id", content: .bytes(PreKeyRecord.encodeID(id))), Node(tag: "value", content: .bytes(publicKey)),
        ]
        if let signature { children.append(Node(tag: "signature", content: .bytes(signature))) }
        return Node(tag: tag, content: .nodes(children))
    }

    /// whatsmeow's upload: registration, type, identity, the prekey list and the signed prekey.
    static func upload(_ device: TestDevice, preKeys: [PreKeyRecord], signedPreKey: SignedPreKeyRecord) -> Node {
        encryptIQ(
            "set",
            [
                Node(tag: "registration", content: .bytes([0, 0, 0x04, 0xD2])),
                Node(tag: "type", content: .bytes([5])),
                Node(tag: "identity", content: .bytes(device.identityKey.publicKey.bytes)),
                Node(
                    tag: "list",
                    content: .nodes(preKeys.map { keyNode("key", id: $0.id, publicKey: $0.keyPair.publicKey.bytes) })),
                keyNode(
                    "skey", id: signedPreKey.id, publicKey: signedPreKey.keyPair.publicKey.bytes,
                    signature: signedPreKey.signature),
            ])
    }

    static func count(_ socket: WhatsAppSocket) async throws -> String? {
        try await socket.sendIQ(encryptIQ("get", [Node(tag: "count")])).child(tagged: "count")?["value"]?.description
    }

    static func fetch(_ socket: WhatsAppSocket, _ jids: [JID]) async throws -> [Node] {
        let users = jids.map { Node(tag: "user", attributes: ["jid": .jid($0), "reason": "identity"]) }
        let answer = try await socket.sendIQ(encryptIQ("get", [Node(tag: "key", content: .nodes(users))]))
        return answer.child(tagged: "list")?.children(tagged: "user") ?? []
    }

    static func bytes(_ node: Node?) -> [UInt8]? {
        if case .bytes(let bytes)? = node?.content { return bytes }
        return nil
    }

    @Test func uploadCountFetchAndRotate() async throws {
        let device = TestDevice()
        let fixture = try SandboxFixture()
        let account = try await fixture.seed(device)
        try await fixture.run { info in
            let socket = makeSocket(info, device: device, payload: device.login)
            try await withSocket(socket) { log in
                _ = try await log.wait { $0.node(tagged: "success") }
                #expect(try await Self.count(socket) == "0")

                let preKeys = PreKeyRecord.generate(firstID: 1, count: 5)
                let signed = try SignedPreKeyRecord.generate(id: 1, identity: device.identityKey)
                let uploaded = try await socket.sendIQ(Self.upload(device, preKeys: preKeys, signedPreKey: signed))
                #expect(uploaded["type"]?.description == "result")
                #expect(try await Self.count(socket) == "5")

                let phone = JID(user: device.jid.user, server: JID.userServer)
                let unknown = JID(user: device.jid.user, server: JID.userServer, device: 99)
                let users = try await Self.fetch(socket, [device.jid, phone, unknown])
                #expect(users.count == 3)
                let own = try #require(users.first { $0["jid"]?.jid == device.jid })
                #expect(Self.bytes(own.child(tagged: "registration")) == [0, 0, 0x04, 0xD2])
                #expect(Self.bytes(own.child(tagged: "identity")) == device.identityKey.publicKey.bytes)
                #expect(Self.bytes(own.child(tagged: "key")?.child(tagged: "id")) == [0, 0, 1])
                #expect(Self.bytes(own.child(tagged: "key")?.child(tagged: "value")) == preKeys[0].keyPair.publicKey.bytes)
                #expect(Self.bytes(own.child(tagged: "skey")?.child(tagged: "signature")) == signed.signature)
                #expect(try await Self.count(socket) == "4")

                // The phone (device 0) has real keys: its identity is the account key and signs its skey.
                let phoneBundle = try #require(users.first { $0["jid"]?.jid == phone })
                let phoneIdentity = try #require(Self.bytes(phoneBundle.child(tagged: "identity")))
                #expect(phoneIdentity == Array(account.phoneKeys.identity))
                let phoneSKey = try #require(phoneBundle.child(tagged: "skey"))
                #expect(
                    XEdDSA.verify(
                        publicKey: phoneIdentity, message: [5] + (Self.bytes(phoneSKey.child(tagged: "value")) ?? []),
                        signature: Self.bytes(phoneSKey.child(tagged: "signature")) ?? []))
                #expect(phoneBundle.child(tagged: "key") != nil)
                #expect(await fixture.server.accounts.account(phone: phone.user)?.phoneKeys.preKeys.count == 49)

                let missing = try #require(users.first { $0["jid"]?.jid == unknown })
                #expect(missing.child(tagged: "error")?["code"]?.description == "404")

                // A signed prekey signed by another key is refused, and nothing is stored.
                let forged = try SignedPreKeyRecord.generate(id: 2, identity: .generate())
                let refused = try await socket.sendIQ(
                    Self.upload(device, preKeys: PreKeyRecord.generate(firstID: 6, count: 2), signedPreKey: forged))
                #expect(refused["type"]?.description == "error")
                #expect(refused.child(tagged: "error")?["code"]?.description == "400")
                #expect(try await Self.count(socket) == "4")

                let rotated = try SignedPreKeyRecord.generate(id: 2, identity: device.identityKey)
                let rotation = try await socket.sendIQ(
                    Self.encryptIQ(
                        "set",
                        [
                            Node(
                                tag: "rotate",
                                content: .nodes([
                                    Self.keyNode(
                                        "skey", id: 2, publicKey: rotated.keyPair.publicKey.bytes, signature: rotated.signature)
                                ]))
                        ]))
                #expect(rotation["type"]?.description == "result")
                let afterRotation = try await Self.fetch(socket, [device.jid])
                #expect(Self.bytes(afterRotation.first?.child(tagged: "skey")?.child(tagged: "id")) == [0, 0, 2])
                #expect(Self.bytes(afterRotation.first?.child(tagged: "key")?.child(tagged: "id")) == [0, 0, 2])
            }
        }
    }

    @Test func companionLoggingItselfOutIsForgotten() async throws {
        let device = TestDevice()
        let fixture = try SandboxFixture()
        try await fixture.seed(device)
        try await fixture.run { info in
            let socket = makeSocket(info, device: device, payload: device.login)
            try await withSocket(socket) { log in
                _ = try await log.wait { $0.node(tagged: "success") }
                let other = JID(user: device.jid.user, server: JID.userServer, device: 3)
                let forbidden = try await socket.sendIQ(Self.removeDevice(other))
                #expect(forbidden["type"]?.description == "error")

                let removed = try await socket.sendIQ(Self.removeDevice(device.jid))
                #expect(removed["type"]?.description == "result")
                _ = try await log.wait { event -> Bool? in
                    if case .streamError(.deviceRemoved) = event { return true }
                    return nil
                }
                #expect(await fixture.server.accounts.account(phone: device.jid.user)?.companions.isEmpty == true)
            }
        }
    }

    /// whatsmeow's Logout: `<iq xmlns=md type=set><remove-companion-device jid reason=user_initiated/>`.
    static func removeDevice(_ jid: JID) -> Node {
        Node(
            tag: "iq", attributes: ["to": .jid(server), "type": "set", "xmlns": "md"],
            content: .nodes([
                Node(tag: "remove-companion-device", attributes: ["jid": .jid(jid), "reason": "user_initiated"])
            ]))
    }
}
