// Events a plugin subscribes to, delivered by the host for every session.

public struct Event: Sendable {
    /// The session the event happened on.
    public let session: String
    /// The event type, e.g. `"Message"`.
    public let type: String
    /// The event object as JSON text, shaped like the webhook's `event` field.
    public let json: String
}

public struct EventSubscription: Sendable {
    /// `"Message"`, `"ReadReceipt"`, ..., or `"*"` for every event.
    public let eventType: String
    let handler: @Sendable (Event, Host) async throws -> Void

    /// Each event runs its handlers in a new `Task`; an error they throw is logged.
    public init(_ eventType: String, handler: @escaping @Sendable (Event, Host) async throws -> Void) {
        (self.eventType, self.handler) = (eventType, handler)
    }
}
