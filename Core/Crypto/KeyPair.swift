import CSodium

/// A 32-byte X25519 public key, as libsignal's `DjbECPublicKey`.
public struct Curve25519PublicKey: Hashable, Sendable {
    /// libsignal's "DjbType" prefix that marks a serialized Curve25519 key.
    public static let djbType: UInt8 = 0x05

    /// The raw 32-byte X25519 public key (Montgomery u-coordinate).
    public let bytes: [UInt8]

    /// `0x05 || key`: the form that is signed, MACed and sent on the wire. Stored, not built on
    /// demand: every Signal message MACs both identity keys and carries its ratchet key.
    public let serialized: [UInt8]

    /// Wraps a raw 32-byte key.
    public init(_ bytes: [UInt8]) throws(CryptoError) {
        try requireLength(bytes, 32, "public key")
        self.bytes = bytes
        self.serialized = [Self.djbType] + bytes
    }

    /// Parses the 33-byte `0x05 || key` form used inside Signal messages and prekey bundles.
    public init(serialized: [UInt8]) throws(CryptoError) {
        try requireLength(serialized, 33, "serialized public key")
        guard serialized[0] == Self.djbType else { throw .unknownKeyType(serialized[0]) }
        self.bytes = Array(serialized[1...])
        self.serialized = serialized
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.bytes == rhs.bytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

/// A Curve25519 key pair whose private half is a clamped 32-byte scalar, exactly as libsignal stores it.
public struct Curve25519KeyPair: Sendable {
    /// The clamped private scalar.
    public let privateKey: [UInt8]
    /// The matching X25519 public key.
    public let publicKey: Curve25519PublicKey

    /// Builds the pair from 32 bytes, clamping them as libsignal's `GenerateKeyPair` does
    /// (so recorded random bytes reproduce the same key).
    public init(clamping seed: [UInt8]) throws(CryptoError) {
        try requireLength(seed, 32, "private key")
        var scalar = seed
        scalar[0] &= 248
        scalar[31] &= 127
        scalar[31] |= 64
        try self.init(privateKey: scalar)
    }

    /// Builds the pair from a stored private key (used as is; X25519 clamps internally anyway).
    public init(privateKey: [UInt8]) throws(CryptoError) {
        try requireLength(privateKey, 32, "private key")
        guard sodiumIsReady else { throw .invalidKey }
        var publicKey = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_curve25519_base(&publicKey, privateKey) == 0 else { throw .invalidKey }
        self.privateKey = privateKey
        self.publicKey = try Curve25519PublicKey(publicKey)
    }

    /// Restores a pair from both stored halves without recomputing the public key.
    public init(privateKey: [UInt8], publicKey: Curve25519PublicKey) throws(CryptoError) {
        try requireLength(privateKey, 32, "private key")
        self.privateKey = privateKey
        self.publicKey = publicKey
    }

    /// A fresh random key pair.
    public static func generate() -> Curve25519KeyPair {
        // 32 bytes always form a valid clamped scalar, so this cannot fail.
        guard let pair = try? Curve25519KeyPair(clamping: randomBytes(32)) else {
            fatalError("X25519 rejected a clamped scalar")
        }
        return pair
    }

    /// X25519(private, their public): the 32-byte shared secret. Uses libsodium directly:
    /// swift-crypto's key types re-derive the public key on every construction, doubling the cost.
    /// - Throws: `invalidKey` when their key is a low-order point (all-zero secret).
    public func sharedSecret(with theirs: Curve25519PublicKey) throws(CryptoError) -> [UInt8] {
        guard sodiumIsReady else { throw .invalidKey }
        var secret = [UInt8](repeating: 0, count: 32)
        guard crypto_scalarmult_curve25519(&secret, privateKey, theirs.bytes) == 0 else { throw .invalidKey }
        return secret
    }
}
