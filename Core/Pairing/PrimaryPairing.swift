import Foundation
import WABinary
import WACrypto
import WAProto

/// The phone's side (sandbox).
public enum PrimaryPairing {
    /// The pair-success iq for a companion whose QR (or pair code) gave `advSecret`.
    /// - Parameters:
    ///   - hosted: marks the account HOSTED: the HMAC and the account signature take the 06 05 prefix.
    ///   - random: the 64-byte account signature nonce input; nil for fresh randomness.
    public static func pairSuccess(
        iqID: String, deviceJID: JID, lid: JID?, platform: String, companionIdentity: [UInt8],
        advSecret: [UInt8], account: Curve25519KeyPair, keyIndex: UInt32, rawID: UInt32, timestamp: UInt64,
        hosted: Bool = false, random: [UInt8]? = nil
    ) throws(PairingError) -> Node {
        guard companionIdentity.count == 32 else {
            throw .malformed("companion identity has \(companionIdentity.count) bytes, not 32")
        }
        var details = WAAdv_ADVDeviceIdentity()
        details.rawID = rawID
        details.timestamp = timestamp
        details.keyIndex = keyIndex
        if hosted {
            details.accountType = .hosted
            details.deviceType = .hosted
        }
        let detailBytes = try details.pairingBytes()

        var signed = WAAdv_ADVSignedDeviceIdentity()
        signed.details = Data(detailBytes)
        signed.accountSignatureKey = Data(account.publicKey.bytes)
        let message = ADVSignature.accountMessage(
            details: detailBytes, companionIdentity: companionIdentity, hosted: hosted)
        do {
            signed.accountSignature = Data(
                try XEdDSA.sign(privateKey: account.privateKey, message: message, random: random))
        } catch {
            throw .malformed("account signature: \(error)")
        }
        let signedBytes = try signed.pairingBytes()

        var container = WAAdv_ADVSignedDeviceIdentityHMAC()
        container.details = Data(signedBytes)
        container.hmac = Data(
            HMACSHA256.authenticate(
                parts: ADVSignature.hmacInput(signedIdentity: signedBytes, hosted: hosted), key: advSecret))
        if hosted { container.accountType = .hosted }

        var device = Node(tag: "device", attributes: ["jid": .jid(deviceJID)])
        if let lid { device["lid"] = .jid(lid) }
        return Node(
            tag: "iq",
            attributes: [
                "from": Node.serverAddress, "id": .string(iqID), "t": .string(String(timestamp)), "type": "set",
                "xmlns": "md",
            ],
            content: .nodes([
                Node(
                    tag: "pair-success",
                    content: .nodes([
                        Node(
                            tag: "device-identity", attributes: ["key-index": .string(String(keyIndex))],
                            content: .bytes(try container.pairingBytes())),
                        Node(tag: "platform", attributes: ["name": .string(platform)]),
                        device,
                    ]))
            ]))
    }

    /// Checks the companion's `<pair-device-sign>` answer (device signature by the companion identity
    /// over 06 01‖details‖companionIdentity‖accountKey); returns the identity with the account key put back.
    /// The account signature must also still verify, so the companion answered for this account.
    public static func verifySign(_ reply: Node, companionIdentity: [UInt8], accountKey: [UInt8])
        throws(PairingError) -> WAAdv_ADVSignedDeviceIdentity
    {
        guard reply.tag == "iq" else { throw .malformed("pair-device-sign answer is <\(reply.tag)>, not <iq>") }
        let bytes = try reply.requiredChild("pair-device-sign").requiredBytes("device-identity")
        var identity = try WAAdv_ADVSignedDeviceIdentity(pairingBytes: bytes, name: "<device-identity>")
        let detailBytes = [UInt8](identity.details)
        let details = try WAAdv_ADVDeviceIdentity(pairingBytes: detailBytes, name: "ADV device details")
        let accountMessage = ADVSignature.accountMessage(
            details: detailBytes, companionIdentity: companionIdentity, hosted: ADVSignature.isHosted(details))
        let deviceMessage = ADVSignature.deviceMessage(
            details: detailBytes, companionIdentity: companionIdentity, accountKey: accountKey)
        guard
            XEdDSA.verify(
                publicKey: accountKey, message: accountMessage, signature: [UInt8](identity.accountSignature)),
            XEdDSA.verify(
                publicKey: companionIdentity, message: deviceMessage, signature: [UInt8](identity.deviceSignature))
        else { throw .signatureMismatch }
        identity.accountSignatureKey = Data(accountKey)
        return identity
    }
}
