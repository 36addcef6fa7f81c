import WABinary
import WAProto

/// What the companion keeps after accepting pair-success.
public struct LinkedIdentity: Sendable {
    /// Details, account signature key, account signature and our device signature.
    public let account: WAAdv_ADVSignedDeviceIdentity
    /// The key index from the `ADVDeviceIdentity` details.
    public let keyIndex: UInt32
    /// `<iq type=result id=…><pair-device-sign><device-identity key-index=K>` (account key omitted).
    public let reply: Node
}
