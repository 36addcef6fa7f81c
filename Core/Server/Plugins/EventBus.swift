import Foundation
import Synchronization

/// Delivers session events to whoever subscribed: plugins get the event object, the webhook
/// outbox the whole body WaGo posts. Plugin handlers are called on the emitting thread and
/// must not block; payload handlers (the outbox) are awaited, and their failure is the emitter's.
final class EventBus: Sendable {
    /// `json` is the event object alone (the webhook body's `event`).
    typealias Handler = @Sendable (_ session: String, _ type: String, _ json: String) -> Void
    /// `payload` is the whole webhook body: `{"event":…,"type":…}` and extras such as `state`;
    /// `eventID` the event's stable id when it has one (`WebhookEventID.message`), else nil.
    /// Throws when it could not take the event (the outbox could not store it).
    typealias PayloadHandler =
        @Sendable (_ session: String, _ type: String, _ payload: String, _ eventID: String?) async throws -> Void

    private let subscribers = Mutex<[(type: String, handler: Handler)]>([])
    private let payloadSubscribers = Mutex<[PayloadHandler]>([])
    /// The payload handlers' run for the last event a plugin emitted: the next one waits for
    /// it, so plugins' events reach the outbox in the order they were emitted.
    private let pluginEmissions = Mutex<Task<Void, Never>?>(nil)

    /// `type` is an event name such as "Message", or "*" for every event.
    func subscribe(_ type: String, _ handler: @escaping Handler) {
        subscribers.withLock { $0.append((type, handler)) }
    }

    /// Every event, as the webhook body.
    func subscribePayloads(_ handler: @escaping PayloadHandler) {
        payloadSubscribers.withLock { $0.append(handler) }
    }

    /// Returns once every payload handler took the event.
    /// - Parameter payload: the webhook body; nil wraps `json` as `{"event":json,"type":type}`
    ///   (Go's key order), which is what WaGo posts for events without extras.
    /// - Parameter eventID: the same for every emission of one event (a message reported again
    ///   after a crash), so the outbox queues it once; nil for events that happen once.
    /// - Throws: the first payload handler's error: the event may not be stored, so the caller
    ///   must not treat it as delivered.
    func emit(session: String, type: String, json: String, payload: String? = nil, eventID: String? = nil) async throws {
        let (handlers, body) = notify(session: session, type: type, json: json, payload: payload)
        for handler in handlers { try await handler(session, type, body, eventID) }
    }

    /// `emit` for a plugin's synchronous `emit_event`, which must not wait for the outbox:
    /// subscribers get the event before this returns, payload handlers in a task afterwards,
    /// in emission order. Their error goes to `failed`, as the plugin's call has returned.
    func emitFromPlugin(
        session: String, type: String, json: String, failed: @escaping @Sendable (any Error) -> Void
    ) {
        let (handlers, body) = notify(session: session, type: type, json: json, payload: nil)
        guard !handlers.isEmpty else { return }
        pluginEmissions.withLock { last in
            let previous = last
            last = Task {
                await previous?.value
                do {
                    for handler in handlers { try await handler(session, type, body, nil) }
                } catch {
                    failed(error)
                }
            }
        }
    }

    /// Calls the subscribers; returns the payload handlers, and the body they get.
    private func notify(
        session: String, type: String, json: String, payload: String?
    ) -> (handlers: [PayloadHandler], body: String) {
        let matching = subscribers.withLock { $0.filter { $0.type == "*" || $0.type == type } }
        for subscriber in matching { subscriber.handler(session, type, json) }
        let payloadHandlers = payloadSubscribers.withLock { $0 }
        guard !payloadHandlers.isEmpty else { return ([], "") }
        return (payloadHandlers, payload ?? #"{"event":\#(json),"type":\#(Self.quoted(type))}"#)
    }

    private static func quoted(_ string: String) -> String {
        // A string always encodes.
        String(decoding: (try? JSONEncoder().encode(string)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
