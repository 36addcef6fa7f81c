import Foundation
import WACrypto
import WASignal

/// What only the virtual phone knows: the private halves of the keys it published. Its identity
/// key is also the account's ADV signature key (whatsmeow stores the pair-success
/// `accountSignatureKey` as device 0's Signal identity, so the two must be one key).
public struct PhoneSecrets: Codable, Sendable, Equatable {
    public var identityPrivateKey: Data
    public var signedPreKeyPrivateKey: Data
    /// The one-time prekeys, kept after they were handed out: a session may still start with one.
    public var preKeys: [PreKey]

    /// A one-time prekey's id and private key.
    public struct PreKey: Codable, Sendable, Equatable {
        public var id: UInt32
        public var privateKey: Data
    }

    /// How many one-time prekeys a new phone publishes.
    static let preKeyCount = 50

    /// Fresh keys for a new phone, and what the server publishes of them.
    static func generate() throws -> (secrets: PhoneSecrets, published: PublishedKeys) {
        let identity = Curve25519KeyPair.generate()
        let signed = try SignedPreKeyRecord.generate(id: 1, identity: identity)
        let preKeys = PreKeyRecord.generate(firstID: 1, count: preKeyCount)
        let secrets = PhoneSecrets(
            identityPrivateKey: Data(identity.privateKey), signedPreKeyPrivateKey: Data(signed.keyPair.privateKey),
            preKeys: preKeys.map { PreKey(id: $0.id, privateKey: Data($0.keyPair.privateKey)) })
        let published = PublishedKeys(
            identity: Data(identity.publicKey.bytes), registrationID: UInt32.random(in: 1...16380),
            signedPreKey: .init(
                id: signed.id, publicKey: Data(signed.keyPair.publicKey.bytes), signature: Data(signed.signature)),
            preKeys: preKeys.map { .init(id: $0.id, publicKey: Data($0.keyPair.publicKey.bytes)) })
        return (secrets, published)
    }

    /// The identity key pair, which also signs the account's device identities.
    func identity() throws(CryptoError) -> Curve25519KeyPair {
        try Curve25519KeyPair(privateKey: Array(identityPrivateKey))
    }
}
