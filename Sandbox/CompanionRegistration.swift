import Foundation

/// What a new device registered in its ClientPayload: the keys the phone links and the server
/// publishes once it is paired.
struct CompanionRegistration: Sendable, Equatable {
    /// Its Signal keys (no one-time prekeys until it uploads some).
    var keys: PublishedKeys
    /// DeviceProps `os`: the name the phone lists.
    var name: String
    /// DeviceProps platform type, e.g. `chrome`.
    var platform: String

    /// The 32-byte identity public key.
    var identity: [UInt8] { Array(keys.identity) }
}
