import Foundation
import Testing
import WABinary
import WACrypto
import WAProto

@testable import WAPairing

/// Malformed nodes and bytes are refused with errors, never a crash, and never change what a
/// successful step yields.
@Suite struct HostileInputTests {
    /// Every single-point damage of `node`: each descendant removed, its content emptied or
    /// replaced, its bytes cut in half, each attribute removed or replaced.
    static func mutations(of node: Node) -> [Node] {
        var variants: [Node] = []
        let contents: [Node.Content] = [
            .none, .bytes([1]), .string("1"), .nodes([]), .jid(JID(user: "1", server: "lid")),
        ]
        for content in contents where content != node.content {
            var changed = node
            changed.content = content
            variants.append(changed)
        }
        if case .bytes(let bytes) = node.content, !bytes.isEmpty {
            var changed = node
            changed.content = .bytes(Array(bytes.prefix(bytes.count / 2)))
            variants.append(changed)
        }
        for attribute in node.attributes {
            for value: AttributeValue? in [nil, .string("x"), .jid(JID(user: "1", server: JID.userServer))]
            where value != attribute.value {
                var changed = node
                changed[attribute.key] = value
                variants.append(changed)
            }
        }
        let children = node.children
        for index in children.indices {
            var without = children
            without.remove(at: index)
            var removed = node
            removed.content = .nodes(without)
            variants.append(removed)
            for child in mutations(of: children[index]) {
                var replaced = children
                replaced[index] = child
                var changed = node
                changed.content = .nodes(replaced)
                variants.append(changed)
            }
        }
        return variants
    }

    @Test func damagedPairSuccessIsRefusedOrHarmless() throws {
        let session = try LinkingSession(kind: "qr_session")
        let accept = { (node: Node) throws -> LinkedIdentity? in
            guard let success = try PairSuccess.parse(node) else { return nil }
            return try CompanionPairing.accept(
                success, advSecret: session.advSecret, identity: session.companionIdentity,
                random: session.deviceSignatureNonce)
        }
        let original = try #require(try accept(Node(frame: session.successFrame)))
        for variant in Self.mutations(of: try Node(frame: session.successFrame)) {
            if let linked = try? accept(variant) { #expect(linked.account == original.account) }
        }
    }

    @Test func damagedPairDeviceSignIsRefusedOrHarmless() throws {
        let session = try LinkingSession(kind: "qr_session")
        let verify = { (node: Node) throws(PairingError) in
            try PrimaryPairing.verifySign(
                node, companionIdentity: session.companionIdentity.publicKey.bytes,
                accountKey: session.account.publicKey.bytes)
        }
        let original = try verify(Node(frame: session.replyFrame))
        for variant in Self.mutations(of: try Node(frame: session.replyFrame)) {
            if let identity = try? verify(variant) { #expect(identity == original) }
        }
    }

    @Test func damagedPairCodeStanzasAreRefusedOrHarmless() throws {
        let session = try PairCodeTests.Session()
        let pairCode = try session.pairCodeCompanion()
        let expected = try session.stage2.bytes("adv_secret_hex")

        // Companion side: a damaged primary_hello notification.
        for variant in Self.mutations(of: try session.vector.wireNode(4)) {
            if let (_, advSecret) = try? pairCode.finish(
                notification: variant, identity: session.identity, pairingRef: session.pairingRef,
                advRandom: session.stage2.bytes("adv_secret_random_hex"),
                bundleSalt: session.stage2.bytes("key_bundle_salt_hex"),
                bundleNonce: session.stage2.bytes("key_bundle_nonce_hex"))
            {
                #expect(advSecret == expected)
            }
        }
        // Phone side: a damaged companion_hello, then a damaged companion_finish.
        for variant in Self.mutations(of: try session.vector.wireNode(2)) {
            if let hello = try? CompanionHello.parse(variant) {
                #expect(hello.wrappedEphemeral.count == 80)
                #expect(hello.noisePublicKey.count == 32)
            }
        }
        let primary = try session.pairCodePrimary(enteredCode: "FKKM7M9Z")
        for variant in Self.mutations(of: try session.vector.wireNode(6)) {
            if let finished = try? primary.finish(variant) { #expect(finished.advSecret == expected) }
        }
    }

    @Test func garbageDeviceIdentitiesAreRefused() throws {
        let session = try LinkingSession(kind: "qr_session")
        let valid = try #require(try PairSuccess.parse(Node(frame: session.successFrame))).deviceIdentity
        var garbage: [[UInt8]] = (0..<valid.count).map { Array(valid.prefix($0)) }
        garbage += (0..<200).map { _ in randomBytes(Int.random(in: 0...160)) }
        let device = JID(user: "1", server: JID.userServer, device: 1)
        for bytes in garbage {
            var node = try Node(frame: session.successFrame)
            node.content = .nodes([
                Node(
                    tag: "pair-success",
                    content: .nodes([
                        Node(tag: "device-identity", content: .bytes(bytes)),
                        Node(tag: "device", attributes: ["jid": .jid(device)]),
                    ]))
            ])
            let success = try #require(try PairSuccess.parse(node))
            #expect(throws: PairingError.self) {
                try CompanionPairing.accept(success, advSecret: session.advSecret, identity: session.companionIdentity)
            }
            #expect(throws: PairingError.self) {
                try PrimaryPairing.verifySign(
                    Node(
                        tag: "iq",
                        content: .nodes([Node(tag: "pair-device-sign", content: .nodes([node.children[0].children[0]]))]
                        )),
                    companionIdentity: session.companionIdentity.publicKey.bytes,
                    accountKey: session.account.publicKey.bytes)
            }
        }
    }

    @Test func missingFieldsNameWhatIsWrong() throws {
        let noDevice = Node(tag: "iq", attributes: ["id": "1"], content: .nodes([Node(tag: "pair-success")]))
        #expect(throws: PairingError.malformed("<device> missing")) { try PairSuccess.parse(noDevice) }
        let stringJID = Node(
            tag: "iq", attributes: ["id": "1"],
            content: .nodes([
                Node(
                    tag: "pair-success", content: .nodes([Node(tag: "device", attributes: ["jid": "1@s.whatsapp.net"])])
                )
            ]))
        #expect(throws: PairingError.malformed("<device> lacks JID attribute jid")) { try PairSuccess.parse(stringJID) }
        #expect(try PairSuccess.parse(Node(tag: "iq")) == nil)
        #expect(try PairSuccess.parse(Node(tag: "notification", content: .nodes([Node(tag: "pair-success")]))) == nil)
        #expect(
            try CompanionHello.parse(Node(tag: "iq", content: .nodes([Node(tag: "link_code_companion_reg")]))) == nil)
        #expect(throws: PairingError.self) {
            try PrimaryPairing.verifySign(Node(tag: "iq"), companionIdentity: [], accountKey: [])
        }
        #expect(throws: PairingError.self) {
            try PrimaryPairing.pairSuccess(
                iqID: "1", deviceJID: JID(user: "1", server: JID.userServer), lid: nil, platform: "",
                companionIdentity: [1],
                advSecret: [], account: .generate(), keyIndex: 0, rawID: 0, timestamp: 0)
        }
    }

    @Test func shortKeyBundleIsMalformedAndAForgedOneIsAWrongCode() throws {
        let session = try PairCodeTests.Session()
        let primary = try session.pairCodePrimary(enteredCode: "FKKM7M9Z")
        let finishNode = try session.vector.wireNode(6)
        func withBundle(_ bundle: [UInt8]) -> Node {
            var node = finishNode
            var registration = node.children[0]
            registration.content = .nodes(
                registration.children.map { child in
                    child.tag == "link_code_pairing_wrapped_key_bundle"
                        ? Node(tag: child.tag, content: .bytes(bundle)) : child
                })
            node.content = .nodes([registration])
            return node
        }
        #expect(throws: PairingError.malformed("<link_code_pairing_wrapped_key_bundle> has only 59 bytes")) {
            try primary.finish(withBundle(Array(repeating: 0, count: 59)))
        }
        #expect(throws: PairingError.wrongCode) { try primary.finish(withBundle(randomBytes(140))) }
    }
}
