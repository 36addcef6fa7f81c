/// The status book's entries written lately, by session and message id, so that a receipt
/// for a message this process recorded moves it forward without reading its stored entry
/// back. Bounded: two generations of `generationSize` entries, the older one dropped whole
/// when the newer one fills; a session's entries go at once when it logs out, and none come
/// back until it connects again. Not synchronized: `MessageStatusBook` touches it on its
/// queue only.
struct RecentStatuses {
    static let generationSize = 50_000

    private var current: [Key: MessageStatusBook.Entry] = [:]
    private var previous: [Key: MessageStatusBook.Entry] = [:]
    /// Sessions that logged out and have not connected since. Events reach the plugin on
    /// tasks of their own, in no set order, so a receipt or send that was under way when its
    /// session logged out can land after `forget`: it must not bring an entry back.
    private var loggedOut: Set<String> = []

    private struct Key: Hashable {
        var session: String
        var id: String
    }

    func entry(_ id: String, session: String) -> MessageStatusBook.Entry? {
        let key = Key(session: session, id: id)
        return current[key] ?? previous[key]
    }

    /// Whether `remember` keeps `session`'s entries: not while it is logged out.
    func holds(session: String) -> Bool { !loggedOut.contains(session) }

    mutating func remember(_ entry: MessageStatusBook.Entry, for id: String, session: String) {
        guard holds(session: session) else { return }
        if current.count >= Self.generationSize {
            previous = current
            current = [:]
            current.reserveCapacity(Self.generationSize)
        }
        current[Key(session: session, id: id)] = entry
    }

    /// Drops every entry of `session`, which logged out, and keeps none until it connects.
    mutating func forget(session: String) {
        loggedOut.insert(session)
        current = current.filter { $0.key.session != session }
        previous = previous.filter { $0.key.session != session }
    }

    /// `session` connected (it logged in again): its entries are kept again.
    mutating func connected(session: String) {
        loggedOut.remove(session)
    }
}
