import WACrypto

/// libsignal's message version 3, sent as the byte `0x33` (current version in both nibbles).
enum MessageVersion {
    static let current: UInt8 = 3
    static let byte: UInt8 = current << 4 | current

    /// Checks the version nibble of a message's first byte.
    static func check(_ data: [UInt8], minimumLength: Int) throws(SignalError) {
        guard data.count >= minimumLength, let first = data.first else { throw .invalidMessage("message too short") }
        guard first >> 4 == current else { throw .unsupportedVersion(first >> 4) }
    }
}

/// A double-ratchet message (WhatsApp `<enc type="msg">`): `0x33 || protobuf || 8-byte MAC`.
public struct SignalMessage: Sendable, Equatable {
    static let macLength = 8

    /// The sender's current ratchet public key.
    public let ratchetKey: Curve25519PublicKey
    /// The message's index in the sender's chain.
    public let counter: UInt32
    /// The length of the sender's previous chain (libsignal-go may send 0xFFFFFFFF here).
    public let previousCounter: UInt32
    /// The AES-256-CBC body.
    public let ciphertext: [UInt8]
    /// The full wire form, MAC included.
    public let serialized: [UInt8]

    /// Parses the wire form. The MAC is checked later, once the message keys are known.
    public init(serialized: [UInt8]) throws(SignalError) {
        try MessageVersion.check(serialized, minimumLength: 1 + Self.macLength + 1)
        let fields = try ProtoFields(serialized[1..<(serialized.count - Self.macLength)])
        ratchetKey = try fields.requiredKey(1, "ratchet key")
        counter = fields.uint32(2) ?? 0
        previousCounter = fields.uint32(3) ?? 0
        ciphertext = try fields.requiredBytes(4, "ciphertext")
        self.serialized = serialized
    }

    /// Builds and MACs a message from `sender` to `receiver` (identity keys).
    init(
        ratchetKey: Curve25519PublicKey, counter: UInt32, previousCounter: UInt32, ciphertext: [UInt8],
        macKey: [UInt8], senderIdentity: Curve25519PublicKey, receiverIdentity: Curve25519PublicKey
    ) {
        // Version byte, ratchet key (2 + 33), two varints (up to 2 * 6), ciphertext (up to 1 + 5 + n), MAC.
        var proto = ProtoWriter(versionByte: MessageVersion.byte, capacity: ciphertext.count + 64)
        proto.bytes(1, ratchetKey.serialized)
        proto.uint(2, counter)
        proto.uint(3, previousCounter)
        proto.bytes(4, ciphertext)
        var serialized = proto.bytes
        let mac = HMACSHA256.authenticate(parts: [senderIdentity.serialized, receiverIdentity.serialized, serialized], key: macKey)
        serialized += mac.prefix(Self.macLength)
        self.ratchetKey = ratchetKey
        self.counter = counter
        self.previousCounter = previousCounter
        self.ciphertext = ciphertext
        self.serialized = serialized
    }

    /// Whether the trailing 8 bytes are the first 8 of HMAC-SHA256(macKey, senderIdentity ||
    /// receiverIdentity || body), compared in constant time.
    func hasValidMAC(macKey: [UInt8], senderIdentity: Curve25519PublicKey, receiverIdentity: Curve25519PublicKey) -> Bool {
        HMACSHA256.verify(
            Array(serialized.suffix(Self.macLength)),
            parts: [senderIdentity.serialized, receiverIdentity.serialized, Array(serialized.dropLast(Self.macLength))],
            key: macKey)
    }
}
