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

    var jid: JID { JID(user: id, server: JID.groupServer) }

    /// The metadata a `w:g2` query answers: the creator is its superadmin.
    var metadata: GroupMetadata {
        let creatorJID = JID(user: creator, server: JID.userServer)
        return GroupMetadata(
            jid: jid, subject: subject, creator: creatorJID,
            participants: participants.map { JID(user: $0, server: JID.userServer) }, admins: [creatorJID])
    }
}
