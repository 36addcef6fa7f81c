import Foundation

/// A message a virtual phone received and decrypted, as `GET /sandbox/messages` lists it.
struct PhoneMessage: Codable, Sendable, Equatable {
    var id: String
    /// The sending device.
    var from: String
    /// The conversation: the other account (for copies of its own companions' messages, the
    /// account they were sent to).
    var chat: String
    /// Unix seconds, the stanza's `t`.
    var timestamp: Int64
    /// The serialized WAE2E.Message.
    var message: Data
}
