import Foundation
import Synchronization

/// Delivers session events to whoever subscribed: plugins get the event object, the webhook
/// outbox the whole body WaGo posts. Handlers are called on the emitting thread and must not block.
final class EventBus: Sendable {
    /// `json` is the event object alone (the webhook body's `event`).
    typealias Handler = @Sendable (_ session: String, _ type: String, _ json: String) -> Void
    /// `payload` is the whole webhook body: `{"event":…,"type":…}` and extras such as `state`.
    typealias PayloadHandler = @Sendable (_ session: String, _ type: String, _ payload: String) -> Void

    private let subscribers = Mutex<[(type: String, handler: Handler)]>([])
    private let payloadSubscribers = Mutex<[PayloadHandler]>([])

    /// `type` is an event name such as "Message", or "*" for every event.
    func subscribe(_ type: String, _ handler: @escaping Handler) {
        subscribers.withLock { $0.append((type, handler)) }
    }

    /// Every event, as the webhook body.
    func subscribePayloads(_ handler: @escaping PayloadHandler) {
        payloadSubscribers.withLock { $0.append(handler) }
    }

    /// - Parameter payload: the webhook body; nil wraps `json` as `{"event":json,"type":type}`
    ///   (Go's key order), which is what WaGo posts for events without extras.
    func emit(session: String, type: String, json: String, payload: String? = nil) {
        let matching = subscribers.withLock { $0.filter { $0.type == "*" || $0.type == type } }
        for subscriber in matching { subscriber.handler(session, type, json) }
        let payloadHandlers = payloadSubscribers.withLock { $0 }
        guard !payloadHandlers.isEmpty else { return }
        let body = payload ?? #"{"event":\#(json),"type":\#(Self.quoted(type))}"#
        for handler in payloadHandlers { handler(session, type, body) }
    }

    private static func quoted(_ string: String) -> String {
        // A string always encodes.
        String(decoding: (try? JSONEncoder().encode(string)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}
