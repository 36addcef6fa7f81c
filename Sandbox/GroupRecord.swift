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

    /// The metadata in the group's addressing, as `w:g2` answers it, each member's other JID
    /// beside it (`lids`, by phone number): by phone number with `lid`, or in a LID-addressed
    /// group by LID with `phone_number` and the creator's `creator_pn`.
    func metadata(lids: [String: String]) -> GroupMetadata {
        var metadata = self.metadata
        func lid(_ jid: JID) -> JID? { lids[jid.user].map { JID(user: $0, server: JID.lidServer) } }
        guard isLIDAddressed else {
            metadata.participantAlternatives = Dictionary(
                metadata.participants.compactMap { phone in lid(phone).map { (phone, $0) } },
                uniquingKeysWith: { first, _ in first })
            return metadata
        }
        func lidOrPhone(_ jid: JID) -> JID { lid(jid) ?? jid }
        metadata.addressingMode = "lid"
        metadata.participantAlternatives = Dictionary(
            metadata.participants.map { (lidOrPhone($0), $0) }, uniquingKeysWith: { first, _ in first })
        metadata.participants = metadata.participants.map(lidOrPhone)
        metadata.admins = Set(metadata.admins.map(lidOrPhone))
        metadata.superAdmins = Set(metadata.superAdmins.map(lidOrPhone))
        metadata.creatorPN = metadata.creator
        metadata.creator = metadata.creator.map(lidOrPhone)
        metadata.subjectSetBy = metadata.subjectSetBy.map(lidOrPhone)
        return metadata
    }

    static func userJID(_ phone: String) -> JID {
        JID(user: phone, server: JID.userServer)
    }
}
