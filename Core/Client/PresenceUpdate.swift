import Foundation
import WABinary

/// A contact's availability, from `<presence from [type=unavailable] [last]>` (whatsmeow's
/// `events.Presence`).
public struct PresenceUpdate: Sendable, Equatable {
    public var from: JID
    public var unavailable: Bool
    /// When the contact was last seen: nil while online, or when it hides it (`last=deny`).
    public var lastSeen: Date?

    public init(from: JID, unavailable: Bool, lastSeen: Date?) {
        self.from = from
        self.unavailable = unavailable
        self.lastSeen = lastSeen
    }
}
