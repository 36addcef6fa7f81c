import WABinary
import WACrypto

/// Companion side of phone-number linking.
public struct PairCodeCompanion: Sendable {
    /// The linking code, 8 characters without the dash (see `PairCode.display`).
    public let code: String
    /// The phone number's JID, `user@s.whatsapp.net`.
    public let phone: JID
    /// The ephemeral key whose public half travels wrapped with the code.
    public let ephemeral: Curve25519KeyPair
    /// salt ‖ iv ‖ the ephemeral public key encrypted under the code.
    let wrappedEphemeral: [UInt8]

    /// Fresh ephemeral key, salt, IV and code.
    public init(phone: JID) throws(PairingError) {
        try self.init(
            phone: phone, ephemeral: .generate(), salt: randomBytes(32), iv: randomBytes(16), codeRandom: randomBytes(5))
    }

    /// Fixed randoms, to reproduce a vector.
    init(phone: JID, ephemeralPrivate: [UInt8], salt: [UInt8], iv: [UInt8], codeRandom: [UInt8]) throws(PairingError) {
        let ephemeral: Curve25519KeyPair
        do {
            ephemeral = try Curve25519KeyPair(privateKey: ephemeralPrivate)
        } catch {
            throw .malformed("ephemeral private key: \(error)")
        }
        try self.init(phone: phone, ephemeral: ephemeral, salt: salt, iv: iv, codeRandom: codeRandom)
    }

    private init(phone: JID, ephemeral: Curve25519KeyPair, salt: [UInt8], iv: [UInt8], codeRandom: [UInt8])
        throws(PairingError)
    {
        self.phone = phone
        self.ephemeral = ephemeral
        code = PairCode.code(from: codeRandom)
        wrappedEphemeral = try LinkCodeCipher.wrap(ephemeral.publicKey.bytes, code: code, salt: salt, iv: iv)
    }

    /// stage companion_hello iq (no id: the socket assigns it).
    public func helloRequest(
        noisePublicKey: [UInt8], clientType: String, displayName: String, showPushNotification: Bool
    ) -> Node {
        registration(
            stage: "companion_hello",
            extraAttributes: ["should_show_push_notification": .string(showPushNotification ? "true" : "false")],
            children: [
                Node(tag: "link_code_pairing_wrapped_companion_ephemeral_pub", content: .bytes(wrappedEphemeral)),
                Node(tag: "companion_server_auth_key_pub", content: .bytes(noisePublicKey)),
                Node(tag: "companion_platform_id", content: .string(clientType)),
                Node(tag: "companion_platform_display", content: .string(displayName)),
                Node(tag: "link_code_pairing_nonce", content: .bytes([0])),
            ])
    }

    /// From the phone's link_code_companion_reg notification (primary_hello): the companion_finish
    /// iq (no id) and the new ADV secret. `pairingRef` is the ref the hello's answer carried.
    public func finish(notification: Node, identity: Curve25519KeyPair, pairingRef: [UInt8]) throws(PairingError)
        -> (request: Node, advSecret: [UInt8])
    {
        try finish(
            notification: notification, identity: identity, pairingRef: pairingRef, advRandom: randomBytes(32),
            bundleSalt: randomBytes(LinkCodeCipher.bundleSaltLength),
            bundleNonce: randomBytes(LinkCodeCipher.bundleNonceLength))
    }

    /// `finish` with fixed randoms, to reproduce a vector.
    func finish(
        notification: Node, identity: Curve25519KeyPair, pairingRef: [UInt8], advRandom: [UInt8],
        bundleSalt: [UInt8], bundleNonce: [UInt8]
    ) throws(PairingError) -> (request: Node, advSecret: [UInt8]) {
        let registration = try notification.requiredChild("link_code_companion_reg")
        guard try registration.requiredBytes("link_code_pairing_ref") == pairingRef else {
            throw .malformed("<link_code_pairing_ref> is not the ref of our hello")
        }
        let primaryEphemeral = try LinkCodeCipher.unwrap(
            try registration.requiredBytes("link_code_pairing_wrapped_primary_ephemeral_pub"), code: code,
            field: "link_code_pairing_wrapped_primary_ephemeral_pub")
        let primaryIdentity = try registration.requiredBytes("primary_identity_pub", count: 32)

        let ephemeralShared = try LinkCodeCipher.sharedSecret(
            ephemeral, primaryEphemeral, failure: .malformed("primary ephemeral key is unusable"))
        let identityShared = try LinkCodeCipher.sharedSecret(
            identity, primaryIdentity, failure: .malformed("<primary_identity_pub> is unusable"))
        let ownIdentity = identity.publicKey.bytes
        let bundle = try LinkCodeCipher.sealBundle(
            ownIdentity + primaryIdentity + advRandom, ephemeralShared: ephemeralShared, salt: bundleSalt,
            nonce: bundleNonce)
        let request = self.registration(
            stage: "companion_finish", extraAttributes: [:],
            children: [
                Node(tag: "link_code_pairing_wrapped_key_bundle", content: .bytes(bundle)),
                Node(tag: "companion_identity_public", content: .bytes(ownIdentity)),
                Node(tag: "link_code_pairing_ref", content: .bytes(pairingRef)),
            ])
        let advSecret = LinkCodeCipher.advSecret(
            ephemeralShared: ephemeralShared, identityShared: identityShared, random: advRandom)
        return (request, advSecret)
    }

    /// The `link_code_pairing_ref` of the server's answer to the hello iq.
    public static func pairingRef(inHelloAnswer answer: Node) throws(PairingError) -> [UInt8] {
        guard answer.tag == "iq", answer.string("type") == "result" else {
            throw .malformed("the answer to companion_hello is not an iq result")
        }
        return try answer.requiredChild("link_code_companion_reg").requiredBytes("link_code_pairing_ref")
    }

    /// `<iq to=s.whatsapp.net type=set xmlns=md><link_code_companion_reg jid stage …>`, attributes
    /// sorted by key as whatsmeow's canonical encodings write them.
    private func registration(stage: String, extraAttributes: Attributes, children: [Node]) -> Node {
        var attributes: Attributes = ["jid": .jid(phone), "stage": .string(stage)]
        for attribute in extraAttributes { attributes[attribute.key] = attribute.value }
        return Node(
            tag: "iq", attributes: ["to": Node.serverAddress, "type": "set", "xmlns": "md"],
            content: .nodes([
                Node(tag: "link_code_companion_reg", attributes: attributes.sortedByKey(), content: .nodes(children))
            ]))
    }
}
