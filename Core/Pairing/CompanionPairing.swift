import Foundation
import WABinary
import WACrypto
import WAProto

/// The companion's (our gateway client's) answer to pair-success.
public enum CompanionPairing {
    /// Checks the HMAC (with the 06 05 prefix for HOSTED accounts) and the account signature,
    /// makes our device signature, builds the reply.
    /// - Parameter random: the 64-byte signature nonce input; nil for fresh randomness (tests pass
    ///   a recorded one to reproduce a vector).
    public static func accept(
        _ success: PairSuccess, advSecret: [UInt8], identity: Curve25519KeyPair, random: [UInt8]? = nil
    ) throws(PairingError) -> LinkedIdentity {
        let container = try WAAdv_ADVSignedDeviceIdentityHMAC(
            pairingBytes: success.deviceIdentity, name: "<device-identity>")
        let signedBytes = [UInt8](container.details)
        let hmac = [UInt8](container.hmac)
        let hmacInput = ADVSignature.hmacInput(signedIdentity: signedBytes, hosted: container.accountType == .hosted)
        guard hmac.count == 32, HMACSHA256.verify(hmac, parts: hmacInput, key: advSecret)
        else { throw .hmacMismatch }

        var account = try WAAdv_ADVSignedDeviceIdentity(pairingBytes: signedBytes, name: "ADV identity details")
        let detailBytes = [UInt8](account.details)
        let details = try WAAdv_ADVDeviceIdentity(pairingBytes: detailBytes, name: "ADV device details")
        let ownIdentity = identity.publicKey.bytes
        let accountKey = [UInt8](account.accountSignatureKey)
        let accountMessage = ADVSignature.accountMessage(
            details: detailBytes, companionIdentity: ownIdentity, hosted: ADVSignature.isHosted(details))
        // verify refuses keys and signatures of the wrong size.
        guard
            XEdDSA.verify(publicKey: accountKey, message: accountMessage, signature: [UInt8](account.accountSignature))
        else { throw .signatureMismatch }

        let deviceMessage = ADVSignature.deviceMessage(
            details: detailBytes, companionIdentity: ownIdentity, accountKey: accountKey)
        do {
            account.deviceSignature = Data(
                try XEdDSA.sign(privateKey: identity.privateKey, message: deviceMessage, random: random))
        } catch {
            throw .malformed("device signature: \(error)")
        }

        var sent = account
        sent.clearAccountSignatureKey()
        let reply = Node(
            tag: "iq",
            attributes: ["id": .string(success.iqID), "to": Node.serverAddress, "type": "result"],
            content: .nodes([
                Node(
                    tag: "pair-device-sign",
                    content: .nodes([
                        Node(
                            tag: "device-identity", attributes: ["key-index": .string(String(details.keyIndex))],
                            content: .bytes(try sent.pairingBytes()))
                    ]))
            ]))
        return LinkedIdentity(account: account, keyIndex: details.keyIndex, reply: reply)
    }

    /// `<iq type=error id=…><error code=401 text=hmac-mismatch|signature-mismatch/>`
    /// (other errors: 500 "internal-error").
    public static func refusal(iqID: String, _ error: PairingError) -> Node {
        let (code, text): (String, String) =
            switch error {
            case .hmacMismatch: ("401", "hmac-mismatch")
            case .signatureMismatch: ("401", "signature-mismatch")
            case .malformed, .wrongCode: ("500", "internal-error")
            }
        return Node(
            tag: "iq",
            attributes: ["id": .string(iqID), "to": Node.serverAddress, "type": "error"],
            content: .nodes([Node(tag: "error", attributes: ["code": .string(code), "text": .string(text)])]))
    }
}
