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
    /// Admins beside the creator, description and settings (nil: none changed yet).
    var settings: GroupSettings?

    /// "lid" for a LID-addressed group (members named and writing as LIDs); nil or "pn": by
    /// phone number.
    var addressingMode: String?

    var jid: JID { JID(user: id, server: JID.groupServer) }

    var isLIDAddressed: Bool { addressingMode == "lid" }

    /// The metadata a `w:g2` query answers: the creator is its superadmin.
    var metadata: GroupMetadata {
        let creatorJID = Self.userJID(creator)
        return GroupMetadata(
            jid: jid, subject: subject, creator: creatorJID, participants: participants.map(Self.userJID),
            admins: Set(participants.filter(isAdmin).map(Self.userJID)),
            superAdmins: participants.contains(creator) ? [creatorJID] : [], created: created,
            subjectSetAt: subjectSetAt ?? created, subjectSetBy: Self.userJID(subjectSetBy ?? creator),
            participantVersionID: participantVersionID ?? "", isLocked: settings?.isLocked ?? false,
            isAnnounce: settings?.isAnnounce ?? false)
    }

    /// Whether `phone` may change the group's members: its creator or a promoted admin, while a member.
    func isAdmin(_ phone: String) -> Bool {
        (phone == creator || settings?.admins.contains(phone) == true) && participants.contains(phone)
    }

    /// The metadata in the group's addressing: in a LID-addressed group every member named by
    /// its LID (`lids`, by phone number) with its phone number beside it, as `w:g2` answers it.
    func metadata(lids: [String: String]) -> GroupMetadata {
        var metadata = self.metadata
        guard isLIDAddressed else { return metadata }
        func lid(_ jid: JID) -> JID { lids[jid.user].map { JID(user: $0, server: JID.lidServer) } ?? jid }
        metadata.addressingMode = "lid"
        metadata.participantAlternatives = Dictionary(
            metadata.participants.map { (lid($0), $0) }, uniquingKeysWith: { first, _ in first })
        metadata.participants = metadata.participants.map(lid)
        metadata.admins = Set(metadata.admins.map(lid))
        metadata.superAdmins = Set(metadata.superAdmins.map(lid))
        metadata.creator = metadata.creator.map(lid)
        metadata.subjectSetBy = metadata.subjectSetBy.map(lid)
        return metadata
    }

    static func userJID(_ phone: String) -> JID {
        JID(user: phone, server: JID.userServer)
    }
}
