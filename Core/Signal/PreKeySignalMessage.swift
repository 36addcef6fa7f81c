import WACrypto

/// The first messages of a session (WhatsApp `<enc type="pkmsg">`): `0x33 || protobuf` carrying
/// the X3DH parameters and an inner SignalMessage.
public struct PreKeySignalMessage: Sendable, Equatable {
    /// The sender's registration id.
    public let registrationID: UInt32
    /// The receiver's one-time prekey the sender used, if any.
    public let preKeyID: UInt32?
    /// The receiver's signed prekey the sender used.
    public let signedPreKeyID: UInt32
    /// The sender's X3DH base (ephemeral) key.
    public let baseKey: Curve25519PublicKey
    /// The sender's identity key.
    public let identityKey: Curve25519PublicKey
    /// The enclosed double-ratchet message.
    public let message: SignalMessage
    /// The full wire form.
    public let serialized: [UInt8]

    /// Parses the wire form, including the inner SignalMessage.
    public init(serialized: [UInt8]) throws(SignalError) {
        try MessageVersion.check(serialized, minimumLength: 2)
        let fields = try ProtoFields(serialized[1...])
        preKeyID = fields.uint32(1)
        baseKey = try fields.requiredKey(2, "base key")
        identityKey = try fields.requiredKey(3, "identity key")
        message = try SignalMessage(serialized: fields.requiredBytes(4, "message"))
        registrationID = fields.uint32(5) ?? 0
        signedPreKeyID = fields.uint32(6) ?? 0
        self.serialized = serialized
    }

    init(
        registrationID: UInt32, preKeyID: UInt32?, signedPreKeyID: UInt32, baseKey: Curve25519PublicKey,
        identityKey: Curve25519PublicKey, message: SignalMessage
    ) {
        var proto = ProtoWriter()
        if let preKeyID { proto.uint(1, preKeyID) }
        proto.bytes(2, baseKey.serialized)
        proto.bytes(3, identityKey.serialized)
        proto.bytes(4, message.serialized)
        proto.uint(5, registrationID)
        proto.uint(6, signedPreKeyID)
        self.registrationID = registrationID
        self.preKeyID = preKeyID
        self.signedPreKeyID = signedPreKeyID
        self.baseKey = baseKey
        self.identityKey = identityKey
        self.message = message
        self.serialized = [MessageVersion.byte] + proto.bytes
    }
}

/// An encrypted 1:1 message as it goes into an `<enc>` node.
public enum CiphertextMessage: Sendable, Equatable {
    /// A PreKeySignalMessage (`type="pkmsg"`), sent until the peer has answered.
    case preKey(PreKeySignalMessage)
    /// A SignalMessage (`type="msg"`).
    case whisper(SignalMessage)

    /// The `<enc>` node content.
    public var serialized: [UInt8] {
        switch self {
        case .preKey(let message): message.serialized
        case .whisper(let message): message.serialized
        }
    }

    /// The `<enc type>` attribute: "pkmsg" or "msg".
    public var encType: String {
        switch self {
        case .preKey: "pkmsg"
        case .whisper: "msg"
        }
    }

    /// Parses `<enc>` content given its `type` attribute ("pkmsg" or "msg").
    public init(encType: String, serialized: [UInt8]) throws(SignalError) {
        switch encType {
        case "pkmsg": self = .preKey(try PreKeySignalMessage(serialized: serialized))
        case "msg": self = .whisper(try SignalMessage(serialized: serialized))
        default: throw .invalidMessage("unknown enc type \(encType)")
        }
    }
}
