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

    /// Applies a devices notification to the cached lists of the account, by phone number and
    /// (when the notification names it) by LID: a device added or removed when the resulting
    /// list has the hash the server announced, else the entry is dropped. Lists not cached stay
    /// so. whatsmeow applies the LID part only when it has the phone-number list cached; here
    /// each list follows on its own, as sends to phone numbers cache only LID lists.
    public func apply(_ notification: DeviceNotification) {
        apply(notification.change, of: notification.device, to: notification.user, hash: notification.deviceHash)
        if let lid = notification.lid {
            apply(notification.change, of: notification.lidDevice, to: lid, hash: notification.lidDeviceHash)
        }
    }

    /// `change` of `device` applied to `user`'s list; a nil device or hash drops the list.
    private func apply(_ change: DeviceNotification.Change, of device: JID?, to user: JID, hash: String?) {
        let user = user.nonAD
        guard var list = lists[user] else { return }
        guard let device, let hash, change != .update else {
            lists[user] = nil
            return
        }
        switch change {
        case .add where !list.contains(device): list.append(device)
        case .remove: list.removeAll { $0 == device }
        case .add, .update: break
        }
        lists[user] = ParticipantHash.of(list) == hash ? list : nil
    }
}
