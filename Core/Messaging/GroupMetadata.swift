import WABinary

/// A group as a `<group>` node describes it (the `w:g2` answer, and the `<create>` of a group
/// notification): who is in it, its subject and settings.
public struct GroupMetadata: Sendable, Equatable {
    /// The `@g.us` JID.
    public var jid: JID
    public var subject: String
    public var creator: JID?
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

    public init(
        jid: JID, subject: String, creator: JID?, participants: [JID], admins: Set<JID> = [], superAdmins: Set<JID> = [],
        created: Int64 = 0, subjectSetAt: Int64 = 0, subjectSetBy: JID? = nil, participantVersionID: String = "",
        isLocked: Bool = false, isAnnounce: Bool = false, addressingMode: String = "",
        participantAlternatives: [JID: JID] = [:]
    ) {
        self.jid = jid
        self.subject = subject
        self.creator = creator
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
