import WABinary

/// Users' device lists as the client last learned them (whatsmeow's `userDevicesCache`): sends
/// read it instead of asking usync every time; devices notifications keep it current, and
/// anything doubtful drops the entry so the next send asks again.
public actor UserDevicesCache {
    private var lists: [JID: [JID]] = [:]

    public init() {}

    /// Every device of `users`: cached lists, the rest fetched with `fetch` (one usync for all
    /// of them) and cached, each user's devices in `fetch`'s order.
    public func devices(of users: [JID], fetch: @Sendable ([JID]) async throws -> [JID]) async throws -> [JID] {
        let users = Array(Set(users.map(\.nonAD))).sorted { $0.description < $1.description }
        let missing = users.filter { lists[$0] == nil }
        if !missing.isEmpty {
            let fetched = try await fetch(missing)
            for user in missing { lists[user] = fetched.filter { $0.nonAD == user } }
        }
        return users.flatMap { lists[$0] ?? [] }
    }

    /// Forgets `user`'s list; the next send asks the server.
    public func invalidate(_ user: JID) {
        lists[user.nonAD] = nil
    }

    /// Applies a devices notification to a cached list: a device added or removed when the
    /// resulting list has the hash the server announced, else the entry is dropped. Lists not
    /// cached stay so.
    public func apply(_ notification: DeviceNotification) {
        let user = notification.user.nonAD
        guard var list = lists[user] else { return }
        switch notification.change {
        case .add where !list.contains(notification.device): list.append(notification.device)
        case .remove: list.removeAll { $0 == notification.device }
        case .add, .update: break
        }
        let matches = notification.change != .update && ParticipantHash.of(list) == notification.deviceHash
        lists[user] = matches ? list : nil
    }
}
