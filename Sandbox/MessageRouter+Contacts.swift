extension MessageRouter {
    /// Which accounts exchanged 1:1 messages since the sandbox started: they hear of each
    /// other's device changes (`MessageRouter+DeviceNotifications`).
    actor Contacts {
        /// Phone numbers, both ways.
        private var pairs: [String: Set<String>] = [:]

        func record(_ phone: String, _ other: String) {
            guard phone != other else { return }
            pairs[phone, default: []].insert(other)
            pairs[other, default: []].insert(phone)
        }

        func contacts(of phone: String) -> Set<String> {
            pairs[phone] ?? []
        }
    }
}
