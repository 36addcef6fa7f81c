import WACrypto

/// A group message (WhatsApp `<enc type="skmsg">`): `0x33 || protobuf || 64-byte XEdDSA signature`.
public struct SenderKeyMessage: Sendable, Equatable {
    static let signatureLength = 64

    /// Which of the sender's sender keys encrypted this.
    public let keyID: UInt32
    /// The message's position in the sender chain.
    public let iteration: UInt32
    /// The AES-256-CBC body.
    public let ciphertext: [UInt8]
    /// The full wire form, signature included.
    public let serialized: [UInt8]

    /// Parses the wire form; the signature is checked when decrypting.
    public init(serialized: [UInt8]) throws(SignalError) {
        try MessageVersion.check(serialized, minimumLength: 1 + Self.signatureLength + 1)
        let fields = try ProtoFields(serialized[1..<(serialized.count - Self.signatureLength)])
        keyID = try fields.requiredUInt32(1, "key id")
        iteration = try fields.requiredUInt32(2, "iteration")
        ciphertext = try fields.requiredBytes(3, "ciphertext")
        self.serialized = serialized
    }

    init(
        keyID: UInt32, iteration: UInt32, ciphertext: [UInt8], signingKey: XEdDSASigningKey, random: RandomSource
    ) throws(SignalError) {
        var proto = ProtoWriter(versionByte: MessageVersion.byte, capacity: ciphertext.count + 16 + Self.signatureLength)
        proto.uint(1, keyID)
        proto.uint(2, iteration)
        proto.bytes(3, ciphertext)
        var serialized = proto.bytes
        let nonce = random(64)
        let signature = try signalCrypto { () throws(CryptoError) in try signingKey.signature(for: serialized, random: nonce) }
        serialized += signature
        self.keyID = keyID
        self.iteration = iteration
        self.ciphertext = ciphertext
        self.serialized = serialized
    }

    func hasValidSignature(from signingKey: XEdDSAVerifyingKey) -> Bool {
        signingKey.isValidSignature(
            Array(serialized.suffix(Self.signatureLength)), for: Array(serialized.dropLast(Self.signatureLength)))
    }
}

/// Hands a sender key to group members (sent 1:1 inside `Message.senderKeyDistributionMessage`):
/// `0x33 || protobuf{id, iteration, chainKey, signingKey}`.
public struct SenderKeyDistributionMessage: Sendable, Equatable {
    /// The sender key's id.
    public let keyID: UInt32
    /// The chain position `chainKey` belongs to.
    public let iteration: UInt32
    /// The 32-byte sender chain key at `iteration`.
    public let chainKey: [UInt8]
    /// The key that signs the sender's group messages.
    public let signingKey: Curve25519PublicKey
    /// The wire form (`axolotlSenderKeyDistributionMessage` bytes).
    public let serialized: [UInt8]

    /// Parses the wire form.
    public init(serialized: [UInt8]) throws(SignalError) {
        try MessageVersion.check(serialized, minimumLength: 2)
        let fields = try ProtoFields(serialized[1...])
        keyID = try fields.requiredUInt32(1, "key id")
        iteration = try fields.requiredUInt32(2, "iteration")
        chainKey = try fields.requiredBytes(3, "chain key")
        guard chainKey.count == 32 else { throw .invalidMessage("chain key is not 32 bytes") }
        signingKey = try fields.requiredKey(4, "signing key")
        self.serialized = serialized
    }

    init(keyID: UInt32, iteration: UInt32, chainKey: [UInt8], signingKey: Curve25519PublicKey) {
        var proto = ProtoWriter()
        proto.uint(1, keyID)
        proto.uint(2, iteration)
        proto.bytes(3, chainKey)
        proto.bytes(4, signingKey.serialized)
        self.keyID = keyID
        self.iteration = iteration
        self.chainKey = chainKey
        self.signingKey = signingKey
        self.serialized = [MessageVersion.byte] + proto.bytes
    }
}
