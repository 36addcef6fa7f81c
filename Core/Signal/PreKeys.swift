import WACrypto

/// A one-time prekey. WhatsApp sends its id as 3 big-endian bytes, so ids stay below 2^24.
public struct PreKeyRecord: Sendable {
    /// Largest id that fits WhatsApp's 3-byte encoding.
    public static let maxID: UInt32 = 0xFF_FFFF

    /// The prekey id, 1...`maxID`.
    public let id: UInt32
    /// The prekey's key pair; the public half is uploaded.
    public let keyPair: Curve25519KeyPair

    /// Wraps a stored prekey.
    public init(id: UInt32, keyPair: Curve25519KeyPair) {
        self.id = id
        self.keyPair = keyPair
    }

    /// `count` fresh prekeys with consecutive ids from `firstID`, wrapping from 2^24-1 back to 1.
    public static func generate(firstID: UInt32, count: Int) -> [PreKeyRecord] {
        (0..<max(count, 0)).map { offset in
            let id = (firstID &- 1 &+ UInt32(truncatingIfNeeded: offset)) % maxID + 1
            return PreKeyRecord(id: id, keyPair: .generate())
        }
    }

    /// The 3-byte big-endian id of the upload `<key><id>` node.
    public static func encodeID(_ id: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: id >> 16), UInt8(truncatingIfNeeded: id >> 8), UInt8(truncatingIfNeeded: id)]
    }

    /// Reads a 3-byte big-endian id; nil unless exactly 3 bytes.
    public static func decodeID(_ bytes: [UInt8]) -> UInt32? {
        guard bytes.count == 3 else { return nil }
        return UInt32(bytes[0]) << 16 | UInt32(bytes[1]) << 8 | UInt32(bytes[2])
    }
}

/// The signed prekey: a medium-term key whose `0x05 || public` is XEdDSA-signed by the identity key.
public struct SignedPreKeyRecord: Sendable {
    /// The signed prekey id (uploaded as 3 bytes like one-time prekey ids).
    public let id: UInt32
    /// The signed prekey's key pair.
    public let keyPair: Curve25519KeyPair
    /// XEdDSA signature by the identity key over `0x05 || public key`.
    public let signature: [UInt8]

    /// Wraps a stored signed prekey.
    public init(id: UInt32, keyPair: Curve25519KeyPair, signature: [UInt8]) {
        self.id = id
        self.keyPair = keyPair
        self.signature = signature
    }

    /// A fresh signed prekey signed by `identity`.
    public static func generate(id: UInt32, identity: Curve25519KeyPair) throws(SignalError) -> SignedPreKeyRecord {
        let keyPair = Curve25519KeyPair.generate()
        let signature = try signalCrypto { () throws(CryptoError) in
            try XEdDSA.sign(privateKey: identity.privateKey, message: keyPair.publicKey.serialized)
        }
        return SignedPreKeyRecord(id: id, keyPair: keyPair, signature: signature)
    }
}

/// A peer device's published keys, as fetched with `<iq xmlns="encrypt" type="get">`.
public struct PreKeyBundle: Sendable {
    /// The peer's registration id (`<registration>`, 4 bytes big-endian on the wire).
    public let registrationID: UInt32
    /// The peer's device id.
    public let deviceID: UInt32
    /// The one-time prekey, absent when the server ran out.
    public let preKey: (id: UInt32, publicKey: Curve25519PublicKey)?
    /// The signed prekey (`<skey>`), its id and signature.
    public let signedPreKeyID: UInt32
    public let signedPreKey: Curve25519PublicKey
    public let signedPreKeySignature: [UInt8]
    /// The peer's identity key (`<identity>`).
    public let identityKey: Curve25519PublicKey

    /// Assembles a bundle from the parsed `<user>` node.
    public init(
        registrationID: UInt32, deviceID: UInt32, preKey: (id: UInt32, publicKey: Curve25519PublicKey)?,
        signedPreKeyID: UInt32, signedPreKey: Curve25519PublicKey, signedPreKeySignature: [UInt8],
        identityKey: Curve25519PublicKey
    ) {
        self.registrationID = registrationID
        self.deviceID = deviceID
        self.preKey = preKey
        self.signedPreKeyID = signedPreKeyID
        self.signedPreKey = signedPreKey
        self.signedPreKeySignature = signedPreKeySignature
        self.identityKey = identityKey
    }
}
