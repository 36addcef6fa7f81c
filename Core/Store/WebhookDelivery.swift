import Foundation

/// One event waiting to be posted to one session's webhook (a row of the outbox), without
/// its payload, which `WebhookOutbox.pending(session:limit:)` reads with the rows it sends.
public struct WebhookDelivery: Sendable, Equatable {
    /// Pending rows are sent and retried; dead rows gave up and wait for an admin's requeue.
    /// Delivered rows are deleted, so they have no state.
    public enum State: String, Sendable, CaseIterable {
        case pending
        case dead
    }

    /// A UUID, sent as `X-Wago-Event-Id` so receivers can drop a repeat.
    public var id: String
    public var session: String
    public var type: String
    public var createdAt: Date
    /// Attempts made so far.
    public var attempts: Int
    public var nextAttemptAt: Date
    public var state: State
    /// Why the last attempt failed; empty before the first failure.
    public var lastError: String
}
