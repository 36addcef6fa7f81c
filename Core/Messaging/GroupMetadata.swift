import WABinary

/// A group as a `<group>` node describes it (the `w:g2` answer, and the `<create>` of a group
/// notification): who is in it, its subject and settings.
public struct GroupMetadata: Sendable, Equatable {
    /// The `@g.us` JID.
    public var jid: JID
    public var subject: String
    public var creator: JID?
    /// `creator_pn`: the creator's phone number when `creator` is a LID (whatsmeow's `OwnerPN`).
    public var creatorPN: JID?
    /// Every member's user JID, admins first as the server lists them.
    public var participants: [JID]
    /// Members whose `type` is admin or superadmin.
    public var admins: Set<JID>
    /// Members whose `type` is superadmin (the creator).
    public var superAdmins: Set<JID>
    /// Unix seconds of the group's creation (`creation`), 0 when not given.
    public var created: Int64
    /// Unix seconds the subject was set (`s_t`) and by whom (`s_o`).
    public var subjectSetAt: Int64
    public var subjectSetBy: JID?
    /// `p_v_id`: the version of the participant list.
    public var participantVersionID: String
    /// `<locked/>`: only admins edit the group's info.
    public var isLocked: Bool
    /// `<announcement/>`: only admins send messages.
    public var isAnnounce: Bool
    /// `addressing_mode`: "lid" when members are named by LID and write as LIDs (whatsmeow's
    /// `AddressingMode`), "pn" or "" when by phone number.
    public var addressingMode: String
    /// Each participant's other identity where the server names it: the `phone_number` of a
    /// LID participant, the `lid` of a phone-number one.
    public var participantAlternatives: [JID: JID]

    /// Whether the group's members are LIDs: we send there from our LID.
    public var isLIDAddressed: Bool { addressingMode == "lid" }

    /// The phone number ↔ LID pairs (user JIDs) the participant list names (whatsmeow's
    /// `cacheGroupInfo`, whose pairs are stored).
    public var lidPairs: [(phone: JID, lid: JID)] { Self.lidPairs(of: participantAlternatives) }

    /// The pairs in `alternatives` (members and their other identities): a phone number and a LID each.
    public static func lidPairs(of alternatives: [JID: JID]) -> [(phone: JID, lid: JID)] {
        alternatives.compactMap { member, alternative in
            switch (member.server, alternative.server) {
            case (JID.userServer, JID.lidServer): (member.nonAD, alternative.nonAD)
            case (JID.lidServer, JID.userServer): (alternative.nonAD, member.nonAD)
            default: nil
            }
        }
    }

    public init(
        jid: JID, subject: String, creator: JID?, creatorPN: JID? = nil, participants: [JID], admins: Set<JID> = [],
        superAdmins: Set<JID> = [], created: Int64 = 0, subjectSetAt: Int64 = 0, subjectSetBy: JID? = nil,
        participantVersionID: String = "", isLocked: Bool = false, isAnnounce: Bool = false, addressingMode: String = "",
        participantAlternatives: [JID: JID] = [:]
    ) {
        self.jid = jid
        self.subject = subject
        self.creator = creator
        self.creatorPN = creatorPN
        self.participants = participants
        self.admins = admins
        self.superAdmins = superAdmins
        self.created = created
        self.subjectSetAt = subjectSetAt
        self.subjectSetBy = subjectSetBy
        self.participantVersionID = participantVersionID
        self.isLocked = isLocked
        self.isAnnounce = isAnnounce
        self.addressingMode = addressingMode
        self.participantAlternatives = participantAlternatives
    }
}
