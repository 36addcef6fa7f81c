/// What a group's admins set beside its members and subject (kept in `sandbox-groups.json`
/// with the group): who else is an admin, the description, who may send and edit, disappearing
/// messages, join approval and the invite link.
struct GroupSettings: Codable, Sendable, Equatable {
    /// Members promoted to admin (phone numbers); the creator is one without being listed.
    var admins: [String] = []
    /// The description and its id (`<description id>`); both empty while it has none.
    var description = ""
    var descriptionID = ""
    /// Only admins edit the group's info (`<locked/>`).
    var isLocked = false
    /// Only admins send messages (`<announcement/>`), and the version of that setting (`v_id`).
    var isAnnounce = false
    var announceVersionID = ""
    /// Disappearing messages' timer in seconds; 0 when off.
    var ephemeralTimer: UInt32 = 0
    /// Joining needs an admin's approval.
    var isJoinApprovalRequired = false
    /// The code of the invite link `https://chat.whatsapp.com/<code>`; empty until one is made.
    var inviteCode = ""
}
