import WAProto

/// The messages that ADV (account/device verification) HMACs and signatures cover.
enum ADVSignature {
    /// Prefix of the account signature message of an end-to-end encrypted account.
    static let accountPrefix: [UInt8] = [6, 0]
    /// Prefix of the device signature message.
    static let devicePrefix: [UInt8] = [6, 1]
    /// Prefix of the account signature message, and of the HMAC input, of a HOSTED account.
    static let hostedPrefix: [UInt8] = [6, 5]

    /// What the ADV secret's HMAC-SHA256 covers: the serialized `ADVSignedDeviceIdentity`,
    /// after 06 05 for a HOSTED account.
    static func hmacInput(signedIdentity: [UInt8], hosted: Bool) -> [[UInt8]] {
        [hosted ? hostedPrefix : [], signedIdentity]
    }

    /// What the account key signs: prefix ‖ ADVDeviceIdentity bytes ‖ the companion identity key.
    static func accountMessage(details: [UInt8], companionIdentity: [UInt8], hosted: Bool) -> [UInt8] {
        (hosted ? hostedPrefix : accountPrefix) + details + companionIdentity
    }

    /// What the companion identity signs: 06 01 ‖ details ‖ companion identity ‖ account key.
    static func deviceMessage(details: [UInt8], companionIdentity: [UInt8], accountKey: [UInt8]) -> [UInt8] {
        devicePrefix + details + companionIdentity + accountKey
    }

    /// Whether the account signature uses the hosted prefix: whatsmeow and Baileys decide by the
    /// device type of the `ADVDeviceIdentity` (the HMAC prefix by the container's account type).
    static func isHosted(_ details: WAAdv_ADVDeviceIdentity) -> Bool {
        details.deviceType == .hosted
    }
}
