import Foundation

/// A companion linked to a virtual account, as the server knows it.
public struct LinkedDevice: Codable, Sendable, Equatable {
    /// The device number in `phone:device@s.whatsapp.net` (1 and up; 0 is the phone).
    public var deviceID: UInt16
    /// The X25519 Noise static key it registered with: logins must use it.
    public var noiseKey: Data
    /// Its Signal keys, from the registration and later uploads.
    public var keys: PublishedKeys
    /// The ADV key index the phone gave it.
    public var keyIndex: UInt32
    /// What it called itself (DeviceProps `os`), as the phone's linked-devices list shows.
    public var name: String
    /// Its DeviceProps platform type, e.g. `chrome`.
    public var platform: String
    public var linkedAt: Date

    public init(
        deviceID: UInt16, noiseKey: Data, keys: PublishedKeys, keyIndex: UInt32, name: String, platform: String,
        linkedAt: Date = Date()
    ) {
        self.deviceID = deviceID
        self.noiseKey = noiseKey
        self.keys = keys
        self.keyIndex = keyIndex
        self.name = name
        self.platform = platform
        self.linkedAt = linkedAt
    }
}
