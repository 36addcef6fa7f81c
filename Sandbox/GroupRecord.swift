import WABinary
import WAMessaging

/// A group the sandbox keeps: who created it, who is in it (phone numbers), its subject.
struct GroupRecord: Codable, Sendable, Equatable {
    /// The user part of the `@g.us` JID.
    var id: String
    var subject: String
    var creator: String
    /// Every member's phone number, the creator first.
    var participants: [String]
    /// Unix seconds.
    var created: Int64
    /// When the subject was last set and by whom (phone number); nil: at creation, by the creator.
    var subjectSetAt: Int64?
    var subjectSetBy: String?
    /// The participant list's version (`p_v_id`, `v_id`): microseconds of its last change.
    var participantVersionID: String?

    var jid: JID { JID(user: id, server: JID.groupServer) }

    /// The metadata a `w:g2` query answers: the creator is its superadmin.
    var metadata: GroupMetadata {
        let creatorJID = Self.userJID(creator)
        return GroupMetadata(
            jid: jid, subject: subject, creator: creatorJID, participants: participants.map(Self.userJID),
            admins: participants.contains(creator) ? [creatorJID] : [],
            superAdmins: participants.contains(creator) ? [creatorJID] : [], created: created,
            subjectSetAt: subjectSetAt ?? created, subjectSetBy: Self.userJID(subjectSetBy ?? creator),
            participantVersionID: participantVersionID ?? "")
    }

    /// Whether `phone` may change the group's members: its creator, while a member.
    func isAdmin(_ phone: String) -> Bool {
        phone == creator && participants.contains(phone)
    }

    static func userJID(_ phone: String) -> JID {
        JID(user: phone, server: JID.userServer)
    }
}
