/// What `POST /sandbox/groups/admins` does to the members it lists.
enum GroupAdminAction: String, Sendable, CaseIterable {
    /// Makes members admins.
    case promote
    /// Makes admins plain members again.
    case demote
}
