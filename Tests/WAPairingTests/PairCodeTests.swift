import Foundation
import Testing
import WABinary
import WACrypto

@testable import WAPairing

@Suite struct PairCodeTests {
    /// The fixed inputs of the pair-code session.
    struct Session {
        let vector: [String: Any]
        let companion: [String: Any]
        let phone: [String: Any]
        let stage2: [String: Any]
        let identity: Curve25519KeyPair
        let noisePublicKey: [UInt8]
        let pairingRef: [UInt8]
        let phoneJID = JID(user: "15550008888", server: JID.userServer)

        init() throws {
            vector = try PairingVectors.only("pair_code_session")
            let data = try vector.object("data")
            companion = try data.object("companion")
            phone = try data.object("phone")
            stage2 = try data.object("stage2")
            identity = try vector.object("companion_device").keyPair("identity_key")
            noisePublicKey = try vector.object("companion_device").object("noise_key").bytes("public_hex")
            pairingRef = Array("wmpeer-test-pairing-ref-0001".utf8)
        }

        func pairCodeCompanion() throws -> PairCodeCompanion {
            try PairCodeCompanion(
                phone: phoneJID, ephemeralPrivate: companion.bytes("ephemeral_private_hex"),
                salt: companion.bytes("salt_hex"), iv: companion.bytes("iv_hex"),
                codeRandom: companion.bytes("linking_code_random_hex"))
        }

        func pairCodePrimary(enteredCode: String) throws -> PairCodePrimary {
            let hello = try #require(try CompanionHello.parse(vector.wireNode(2)))
            return try PairCodePrimary(
                hello: hello, enteredCode: enteredCode,
                identity: try vector.object("data").object("pair_success").keyPair("phone_account_key"),
                pairingRef: pairingRef, ephemeral: try phone.keyPair("primary_ephemeral"),
                salt: try phone.bytes("primary_salt_hex"), iv: try phone.bytes("primary_iv_hex"))
        }

        func finish(_ pairCode: PairCodeCompanion) throws -> (request: Node, advSecret: [UInt8]) {
            try pairCode.finish(
                notification: vector.wireNode(4), identity: identity, pairingRef: pairingRef,
                advRandom: stage2.bytes("adv_secret_random_hex"), bundleSalt: stage2.bytes("key_bundle_salt_hex"),
                bundleNonce: stage2.bytes("key_bundle_nonce_hex"))
        }
    }

    /// Sets the id the socket would assign, keeping attributes in key order.
    static func withID(_ node: Node, _ id: String) -> Node {
        var node = node
        node["id"] = .string(id)
        node.attributes = node.attributes.sortedByKey()
        return node
    }

    @Test func codeFromRandomBytes() throws {
        let session = try Session()
        let code = PairCode.code(from: try session.companion.bytes("linking_code_random_hex"))
        #expect(code == (try session.companion.string("linking_code")))
        #expect(PairCode.display(code) == (try session.vector.object("data").string("returned_code")))
        #expect(PairCode.code(from: [0, 0, 0, 0, 0]) == "11111111")
        #expect(PairCode.code(from: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == "ZZZZZZZZ")
    }

    @Test func normalizeAcceptsEitherFormOnly() {
        #expect(PairCode.normalize("FKKM-7M9Z") == "FKKM7M9Z")
        #expect(PairCode.normalize("fkkm7m9z") == "FKKM7M9Z")
        #expect(PairCode.normalize(" fkkm-7M9z ") == "FKKM7M9Z")
        #expect(PairCode.normalize("FKKM-7M9") == nil)
        #expect(PairCode.normalize("FKKM-7M9ZZ") == nil)
        #expect(PairCode.normalize("FKKM-7M9O") == nil)  // O is not in the alphabet
        #expect(PairCode.normalize("FKKM-7M90") == nil)  // nor 0
        #expect(PairCode.normalize("") == nil)
    }

    @Test func companionHelloIsTheVectorStage1() throws {
        let session = try Session()
        let pairCode = try session.pairCodeCompanion()
        #expect(pairCode.code == (try session.companion.string("linking_code")))
        #expect(pairCode.phone == session.phoneJID)
        #expect(pairCode.ephemeral.publicKey.bytes == (try session.companion.bytes("ephemeral_public_hex")))
        #expect(pairCode.wrappedEphemeral == (try session.companion.bytes("wrapped_companion_ephemeral_pub_hex")))

        let hello = Self.withID(
            pairCode.helloRequest(
                noisePublicKey: session.noisePublicKey, clientType: "1", displayName: "Chrome (Linux)",
                showPushNotification: true), "250.56-1")
        #expect(try hello.encodedFrame() == session.vector.wireBytes(2))
        #expect(
            try PairingVectors.wireForm(hello)
                == PairingVectors.wireForm(PairingVectors.node(session.companion["stage1_iq"])))
    }

    @Test func pairingRefComesFromTheHelloAnswer() throws {
        let session = try Session()
        #expect(try PairCodeCompanion.pairingRef(inHelloAnswer: session.vector.wireNode(3)) == session.pairingRef)
        #expect(throws: PairingError.self) {
            try PairCodeCompanion.pairingRef(inHelloAnswer: Node(tag: "iq", attributes: ["type": "result"]))
        }
        #expect(throws: PairingError.self) {
            try PairCodeCompanion.pairingRef(inHelloAnswer: Node(tag: "iq", attributes: ["type": "error"]))
        }
    }

    @Test func companionFinishIsTheVectorStage2() throws {
        let session = try Session()
        let (request, advSecret) = try session.finish(session.pairCodeCompanion())
        #expect(advSecret == (try session.stage2.bytes("adv_secret_hex")))
        let bundle = request.child(tagged: "link_code_companion_reg")?.child(
            tagged: "link_code_pairing_wrapped_key_bundle")
        #expect(bundle?.content == .bytes(try session.stage2.bytes("wrapped_key_bundle_hex")))
        #expect(try Self.withID(request, "250.56-2").encodedFrame() == session.vector.wireBytes(6))
        #expect(
            try PairingVectors.wireForm(Self.withID(request, "250.56-2"))
                == PairingVectors.node(session.stage2["stage2_iq"]))
    }

    @Test func companionFinishRefusesAnotherRef() throws {
        let session = try Session()
        let pairCode = try session.pairCodeCompanion()
        #expect(throws: PairingError.self) {
            try pairCode.finish(
                notification: session.vector.wireNode(4), identity: session.identity, pairingRef: [1, 2, 3])
        }
    }

    @Test func companionHelloParses() throws {
        let session = try Session()
        let hello = try #require(try CompanionHello.parse(session.vector.wireNode(2)))
        #expect(hello.phone == session.phoneJID)
        #expect(hello.wrappedEphemeral == (try session.companion.bytes("wrapped_companion_ephemeral_pub_hex")))
        #expect(hello.noisePublicKey == session.noisePublicKey)
        #expect(hello.clientType == "1")
        #expect(hello.displayName == "Chrome (Linux)")
        #expect(try CompanionHello.parse(session.vector.wireNode(6)) == nil)  // companion_finish
        #expect(try CompanionHello.parse(session.vector.wireNode(0)) == nil)  // pair-device
    }

    /// The phone side with the vector's randoms sends the vector's notification and derives the
    /// companion's ADV secret from its stage-2 iq.
    @Test func primaryReproducesTheVectorSession() throws {
        let session = try Session()
        let primary = try session.pairCodePrimary(enteredCode: "fkkm-7m9z")
        #expect(primary.companionEphemeral == (try session.companion.bytes("ephemeral_public_hex")))
        #expect(primary.wrappedEphemeral == (try session.phone.bytes("wrapped_primary_ephemeral_pub_hex")))
        let notification = primary.notification(id: "notif-code-1", timestamp: 1_700_000_000)
        #expect(try notification.encodedFrame() == session.vector.wireBytes(4))

        let finished = try primary.finish(session.vector.wireNode(6))
        #expect(finished.advSecret == (try session.stage2.bytes("adv_secret_hex")))
        #expect(finished.companionIdentity == session.identity.publicKey.bytes)
    }

    /// A phone whose user typed another (valid) code cannot open the companion's key bundle.
    @Test func primaryWithAnotherCodeFailsAtFinish() throws {
        let session = try Session()
        let primary = try session.pairCodePrimary(enteredCode: "FKKM-7M9Y")
        #expect(throws: PairingError.wrongCode) { try primary.finish(session.vector.wireNode(6)) }
        #expect(throws: PairingError.wrongCode) { try session.pairCodePrimary(enteredCode: "FKKM-7M9") }
    }

    /// Fresh randoms on both sides: the right code links both to one ADV secret, and that secret
    /// carries on through pair-success; a wrong code is refused.
    @Test func roundTrip() throws {
        let phone = JID(user: "15550002222", server: JID.userServer)
        let companionIdentity = Curve25519KeyPair.generate()
        let primaryIdentity = Curve25519KeyPair.generate()
        let pairingRef = Array("ref-1".utf8)
        let pairCode = try PairCodeCompanion(phone: phone)
        let noise = Curve25519KeyPair.generate().publicKey.bytes
        let helloNode = try PairingVectors.wireForm(
            Self.withID(
                pairCode.helloRequest(
                    noisePublicKey: noise, clientType: "c", displayName: "Wago (Linux)", showPushNotification: false),
                "1"))
        #expect(helloNode.child(tagged: "link_code_companion_reg")?["should_show_push_notification"] == "false")
        let hello = try #require(try CompanionHello.parse(helloNode))
        #expect(hello.phone == phone)
        #expect(hello.noisePublicKey == noise)
        #expect(hello.clientType == "c")

        let primary = try PairCodePrimary(
            hello: hello, enteredCode: PairCode.display(pairCode.code), identity: primaryIdentity,
            pairingRef: pairingRef)
        let (request, advSecret) = try pairCode.finish(
            notification: PairingVectors.wireForm(primary.notification(id: "n1")), identity: companionIdentity,
            pairingRef: pairingRef)
        let finished = try primary.finish(PairingVectors.wireForm(Self.withID(request, "2")))
        #expect(finished.advSecret == advSecret)
        #expect(finished.companionIdentity == companionIdentity.publicKey.bytes)

        let success = try PrimaryPairing.pairSuccess(
            iqID: "ps", deviceJID: JID(user: "15550002222", server: JID.userServer, device: 5), lid: nil,
            platform: "android", companionIdentity: finished.companionIdentity, advSecret: finished.advSecret,
            account: primaryIdentity, keyIndex: 1, rawID: 9, timestamp: 1)
        let parsed = try #require(try PairSuccess.parse(PairingVectors.wireForm(success)))
        #expect(throws: Never.self) {
            try CompanionPairing.accept(parsed, advSecret: advSecret, identity: companionIdentity)
        }

        let wrongCode = PairCode.code(from: randomBytes(5))
        try #require(wrongCode != pairCode.code)
        let mistyped = try PairCodePrimary(
            hello: hello, enteredCode: wrongCode, identity: primaryIdentity, pairingRef: pairingRef)
        let (mistypedRequest, _) = try pairCode.finish(
            notification: mistyped.notification(id: "n2"), identity: companionIdentity, pairingRef: pairingRef)
        #expect(throws: PairingError.wrongCode) { try mistyped.finish(mistypedRequest) }
    }
}
