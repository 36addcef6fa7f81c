import Foundation
import Synchronization
import WABinary

/// Delivers session events to whoever subscribed: plugins get the event object, the webhook
/// outbox the whole body WaGo posts. Plugin handlers are called on the emitting thread and
/// must not block; payload subscribers (the outbox) take the event before an emit returns,
/// and their failure is the emitter's.
final class EventBus: Sendable {
    /// `json` is the event object alone (the webhook body's `event`).
    typealias Handler = @Sendable (_ session: String, _ type: String, _ json: String) -> Void

    private let subscribers = Mutex<[(type: String, handler: Handler)]>([])
    private let payloadSubscribers = Mutex<[any EventPayloadSubscriber]>([])

    /// `type` is an event name such as "Message", or "*" for every event.
    func subscribe(_ type: String, _ handler: @escaping Handler) {
        subscribers.withLock { $0.append((type, handler)) }
    }

    /// Every event, as the webhook body.
    func subscribePayloads(_ subscriber: any EventPayloadSubscriber) {
        payloadSubscribers.withLock { $0.append(subscriber) }
    }

    /// Returns once every payload subscriber took the event.
    /// - Parameter payload: the webhook body; nil wraps `json` as `{"event":json,"type":type}`
    ///   (Go's key order), which is what WaGo posts for events without extras.
    /// - Parameter eventID: the same for every emission of one event (a message reported again
    ///   after a crash), so the outbox queues it once; nil for events that happen once.
    /// - Throws: the first payload subscriber's error: the event may not be stored, so the
    ///   caller must not treat it as delivered.
    func emit(session: String, type: String, json: String, payload: String? = nil, eventID: String? = nil) async throws {
        let (takers, body) = notify(session: session, type: type, json: json, payload: payload)
        for taker in takers { try await taker.take(session: session, type: type, payload: body, eventID: eventID) }
    }

    /// `emit` for a plugin's synchronous `emit_event`, on the caller's thread without
    /// suspending: subscribers get the event, and payload subscribers have stored it (in
    /// emission order, as each call stores before it returns) when this returns.
    /// - Throws: the first payload subscriber's error: the event is not stored.
    func emitFromPlugin(session: String, type: String, json: String) throws {
        let (takers, body) = notify(session: session, type: type, json: json, payload: nil)
        for taker in takers { try taker.takeSynchronously(session: session, type: type, payload: body) }
    }

    /// Calls the subscribers; returns the payload subscribers, and the body they get.
    private func notify(
        session: String, type: String, json: String, payload: String?
    ) -> (takers: [any EventPayloadSubscriber], body: String) {
        let matching = subscribers.withLock { $0.filter { $0.type == "*" || $0.type == type } }
        for subscriber in matching { subscriber.handler(session, type, json) }
        let takers = payloadSubscribers.withLock { $0 }
        guard !takers.isEmpty else { return ([], "") }
        return (takers, payload ?? #"{"event":\#(json),"type":\#(type.jsonQuoted)}"#)
    }
}
