/// Values by key in memory, at most `capacity` of them, the least recently used dropped first
/// (approximately: in bulk). Values live in a recent and an older generation of at most half
/// the capacity each; a hit in the older one moves the value to the recent one, and when the
/// recent one is full it becomes the older one and the previous older values are dropped.
/// Every operation is O(1), which an exact LRU list is not without a linked list.
struct BoundedCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var recent: [Key: Value] = [:]
    /// Never holds a key that `recent` holds.
    private var older: [Key: Value] = [:]

    init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    var count: Int { recent.count + older.count }

    /// The value kept for `key`, now the most recently used, or nil.
    mutating func value(for key: Key) -> Value? {
        if let value = recent[key] { return value }
        guard let value = older.removeValue(forKey: key) else { return nil }
        insertRecent(value, for: key)
        return value
    }

    /// Keeps `value` for `key`, replacing what `key` held.
    mutating func set(_ value: Value, for key: Key) {
        older.removeValue(forKey: key)
        insertRecent(value, for: key)
    }

    mutating func remove(_ key: Key) {
        recent.removeValue(forKey: key)
        older.removeValue(forKey: key)
    }

    mutating func removeAll() {
        recent = [:]
        older = [:]
    }

    private mutating func insertRecent(_ value: Value, for key: Key) {
        if recent[key] == nil, recent.count >= capacity / 2 {
            older = recent
            recent = [:]
        }
        recent.updateValue(value, forKey: key)
    }
}
