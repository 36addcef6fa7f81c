/// The last `capacity` values put in, by key, in memory: received media messages, kept to ask
/// for a media retry; how often devices asked for each of our messages again; a virtual phone's
/// sent messages. Putting in more drops the oldest. (A session keeps the messages it sent in
/// the store: `SentMessageStore`.)
public struct RecentMessages<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let capacity: Int
    private var values: [Key: Value] = [:]
    /// Keys oldest first, each once.
    private var order: [Key] = []

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public subscript(key: Key) -> Value? { values[key] }

    public var count: Int { values.count }

    /// Keeps `value` for `key` as the newest entry, replacing what `key` held.
    public mutating func insert(_ value: Value, for key: Key) {
        if values.updateValue(value, forKey: key) != nil, let index = order.firstIndex(of: key) {
            order.remove(at: index)
        }
        order.append(key)
        if order.count > capacity { values[order.removeFirst()] = nil }
    }
}
