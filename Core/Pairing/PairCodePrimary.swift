import Foundation
import WABinary
import WACrypto

/// Phone side of phone-number linking (sandbox).
public struct PairCodePrimary: Sendable {
    /// The ref the server gave the companion in answer to its hello.
    let pairingRef: [UInt8]
    /// The phone's identity key (also its ADV account key).
    let identity: Curve25519KeyPair
    /// The companion's ephemeral public key as unwrapped with the entered code.
    let companionEphemeral: [UInt8]
    /// The phone's ephemeral key.
    let ephemeral: Curve25519KeyPair
    /// salt ‖ iv ‖ the phone's ephemeral public key encrypted under the entered code.
    let wrappedEphemeral: [UInt8]

    /// Unwraps the companion's ephemeral key with the code the user typed (a wrong code gives a
    /// wrong key, detected only at `finish`, exactly as on WhatsApp).
    public init(hello: CompanionHello, enteredCode: String, identity: Curve25519KeyPair, pairingRef: [UInt8])
        throws(PairingError)
    {
        try self.init(
            hello: hello, enteredCode: enteredCode, identity: identity, pairingRef: pairingRef,
            ephemeral: .generate(), salt: randomBytes(32), iv: randomBytes(16))
    }

    /// Fixed ephemeral key, salt and IV, to reproduce a vector. Something that is not a code at
    /// all (see `PairCode.normalize`) is `wrongCode` at once.
    init(
        hello: CompanionHello, enteredCode: String, identity: Curve25519KeyPair, pairingRef: [UInt8],
        ephemeral: Curve25519KeyPair, salt: [UInt8], iv: [UInt8]
    ) throws(PairingError) {
        guard let code = PairCode.normalize(enteredCode) else { throw .wrongCode }
        self.pairingRef = pairingRef
        self.identity = identity
        self.ephemeral = ephemeral
        companionEphemeral = try LinkCodeCipher.unwrap(
            hello.wrappedEphemeral, code: code, field: "link_code_pairing_wrapped_companion_ephemeral_pub")
        wrappedEphemeral = try LinkCodeCipher.wrap(ephemeral.publicKey.bytes, code: code, salt: salt, iv: iv)
    }

    /// `<notification type=link_code_companion_reg from=s.whatsapp.net id=…>`
    /// `<link_code_companion_reg stage=primary_hello>…`
    /// - Parameter timestamp: the `t` attribute, Unix seconds.
    public func notification(id: String, timestamp: UInt64 = UInt64(Date().timeIntervalSince1970)) -> Node {
        Node(
            tag: "notification",
            attributes: [
                "from": Node.serverAddress, "id": .string(id), "t": .string(String(timestamp)),
                "type": "link_code_companion_reg",
            ],
            content: .nodes([
                Node(
                    tag: "link_code_companion_reg", attributes: ["stage": "primary_hello"],
                    content: .nodes([
                        Node(tag: "link_code_pairing_ref", content: .bytes(pairingRef)),
                        Node(tag: "link_code_pairing_wrapped_primary_ephemeral_pub", content: .bytes(wrappedEphemeral)),
                        Node(tag: "primary_identity_pub", content: .bytes(identity.publicKey.bytes)),
                    ]))
            ]))
    }

    /// Checks the companion_finish iq: decrypts the key bundle (wrongCode when it does not open or
    /// names other identities) and derives the ADV secret.
    public func finish(_ companionFinish: Node) throws(PairingError) -> (advSecret: [UInt8], companionIdentity: [UInt8])
    {
        guard companionFinish.tag == "iq" else {
            throw .malformed("companion_finish is <\(companionFinish.tag)>, not <iq>")
        }
        let registration = try companionFinish.requiredChild("link_code_companion_reg")
        guard registration.string("stage") == "companion_finish" else {
            throw .malformed("<link_code_companion_reg> stage is not companion_finish")
        }
        guard try registration.requiredBytes("link_code_pairing_ref") == pairingRef else {
            throw .malformed("<link_code_pairing_ref> is not the ref of this pairing")
        }
        let companionIdentity = try registration.requiredBytes("companion_identity_public", count: 32)
        let wrappedBundle = try registration.requiredBytes("link_code_pairing_wrapped_key_bundle")

        // A wrong code unwrapped garbage, which may not even be a usable point.
        let ephemeralShared = try LinkCodeCipher.sharedSecret(ephemeral, companionEphemeral, failure: .wrongCode)
        let bundle = try LinkCodeCipher.openBundle(wrappedBundle, ephemeralShared: ephemeralShared)
        guard bundle.count == 96, Array(bundle[0..<32]) == companionIdentity,
            Array(bundle[32..<64]) == identity.publicKey.bytes
        else { throw .wrongCode }
        let identityShared = try LinkCodeCipher.sharedSecret(
            identity, companionIdentity, failure: .malformed("<companion_identity_public> is unusable"))
        let advSecret = LinkCodeCipher.advSecret(
            ephemeralShared: ephemeralShared, identityShared: identityShared, random: Array(bundle[64..<96]))
        return (advSecret, companionIdentity)
    }
}
