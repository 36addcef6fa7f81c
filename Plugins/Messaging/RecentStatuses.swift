/// The status book's entries written lately, by session and message id, so that a receipt
/// for a message this process recorded moves it forward without reading its stored entry
/// back. Bounded: two generations of `generationSize` entries, the older one dropped whole
/// when the newer one fills; a session's entries go at once when it logs out. Not
/// synchronized: `MessageStatusBook` touches it on its queue only.
struct RecentStatuses {
    static let generationSize = 50_000

    private var current: [Key: MessageStatusBook.Entry] = [:]
    private var previous: [Key: MessageStatusBook.Entry] = [:]

    private struct Key: Hashable {
        var session: String
        var id: String
    }

    func entry(_ id: String, session: String) -> MessageStatusBook.Entry? {
        let key = Key(session: session, id: id)
        return current[key] ?? previous[key]
    }

    mutating func remember(_ entry: MessageStatusBook.Entry, for id: String, session: String) {
        if current.count >= Self.generationSize {
            previous = current
            current = [:]
            current.reserveCapacity(Self.generationSize)
        }
        current[Key(session: session, id: id)] = entry
    }

    /// Drops every entry of `session`.
    mutating func forget(session: String) {
        current = current.filter { $0.key.session != session }
        previous = previous.filter { $0.key.session != session }
    }
}
