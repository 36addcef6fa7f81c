import WABinary
import WAMessaging

/// A group change's answer, the group as it is now: `{"JID":"120363…@g.us","Subject":"…",
/// "Participants":["<phone>",…],"Admins":["<phone>",…],"Description":"…","Locked":false,
/// "Announce":false,"Ephemeral":0,"JoinApproval":false,"InviteLink":"https://chat.whatsapp.com/…"}`
/// (`Admins` with the creator, `Ephemeral` in seconds, `InviteLink` empty until one is made).
struct GroupReply: Encodable {
    var jid: String
    var subject: String
    var participants: [String]
    var admins: [String]
    var description: String
    var isLocked: Bool
    var isAnnounce: Bool
    var ephemeralTimer: UInt32
    var isJoinApprovalRequired: Bool
    var inviteLink: String

    init(_ group: GroupRecord) {
        let settings = group.settings ?? GroupSettings()
        jid = group.jid.description
        subject = group.subject
        participants = group.participants
        admins = group.participants.filter(group.isAdmin)
        description = settings.description
        isLocked = settings.isLocked
        isAnnounce = settings.isAnnounce
        ephemeralTimer = settings.ephemeralTimer
        isJoinApprovalRequired = settings.isJoinApprovalRequired
        inviteLink = settings.inviteCode.isEmpty ? "" : GroupNotification.inviteLinkPrefix + settings.inviteCode
    }

    enum CodingKeys: String, CodingKey {
        case jid = "JID", subject = "Subject", participants = "Participants", admins = "Admins"
        case description = "Description", isLocked = "Locked", isAnnounce = "Announce", ephemeralTimer = "Ephemeral"
        case isJoinApprovalRequired = "JoinApproval", inviteLink = "InviteLink"
    }
}
