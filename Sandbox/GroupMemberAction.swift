/// What `POST /sandbox/groups/participants` does to the phones it lists.
enum GroupMemberAction: String, Sendable, CaseIterable {
    /// The admin adds accounts that are not members yet.
    case add
    /// The admin removes members.
    case remove
    /// Each listed member leaves by itself.
    case leave
}
