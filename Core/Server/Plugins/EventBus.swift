import Synchronization

/// Delivers session events to whoever subscribed: plugins now, the webhook outbox as well once
/// it exists. Handlers are called on the emitting thread and must not block.
final class EventBus: Sendable {
    typealias Handler = @Sendable (_ session: String, _ type: String, _ json: String) -> Void

    private let subscribers = Mutex<[(type: String, handler: Handler)]>([])

    /// `type` is an event name such as "Message", or "*" for every event.
    func subscribe(_ type: String, _ handler: @escaping Handler) {
        subscribers.withLock { $0.append((type, handler)) }
    }

    func emit(session: String, type: String, json: String) {
        let matching = subscribers.withLock { $0.filter { $0.type == "*" || $0.type == type } }
        for subscriber in matching { subscriber.handler(session, type, json) }
    }
}
