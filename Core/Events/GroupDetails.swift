import WABinary

/// `types.GroupInfo`, a group's whole description (named apart from `events.GroupInfo`, the
/// change event). Embedded in `JoinedGroup`; its own embedded structs are written flat, as Go does.
public struct GroupDetails: Sendable, Hashable, GoJSONEmbeddable {
    public var jid: JID = .goZero
    public var ownerJID: JID = .goZero
    public var ownerPN: JID = .goZero
    public var name = GroupName()
    public var topic = GroupTopic()
    public var isLocked = false
    public var isAnnounce = false
    public var announceVersionID = ""
    public var isEphemeral = false
    public var disappearingTimer: UInt32 = 0
    public var isIncognito = false
    public var isParent = false
    public var defaultMembershipApprovalMode = ""
    public var linkedParentJID: JID = .goZero
    public var isDefaultSubGroup = false
    public var isJoinApprovalRequired = false
    public var addressingMode = ""
    public var groupCreated: GoTime = .zero
    public var creatorCountryCode = ""
    public var participantVersionID = ""
    public var participants: [GroupParticipant]?
    public var participantCount = 0
    public var memberAddMode = ""
    public var suspended = false

    public init() {}

    public func encodeGoJSONFields(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.field("JID", jid)
        try writer.field("OwnerJID", ownerJID)
        try writer.field("OwnerPN", ownerPN)
        try name.encodeGoJSONFields(to: &writer)
        try writer.field("Topic", topic.topic)
        try writer.field("TopicID", topic.topicID)
        try writer.field("TopicSetAt", topic.topicSetAt)
        try writer.field("TopicSetBy", topic.topicSetBy)
        try writer.field("TopicSetByPN", topic.topicSetByPN)
        try writer.field("TopicDeleted", topic.topicDeleted)
        try writer.field("IsLocked", isLocked)
        try writer.field("IsAnnounce", isAnnounce)
        try writer.field("AnnounceVersionID", announceVersionID)
        try writer.field("IsEphemeral", isEphemeral)
        writer.field("DisappearingTimer")
        writer.unsignedInteger(UInt64(disappearingTimer))
        try writer.field("IsIncognito", isIncognito)
        try writer.field("IsParent", isParent)
        try writer.field("DefaultMembershipApprovalMode", defaultMembershipApprovalMode)
        try writer.field("LinkedParentJID", linkedParentJID)
        try writer.field("IsDefaultSubGroup", isDefaultSubGroup)
        try writer.field("IsJoinApprovalRequired", isJoinApprovalRequired)
        try writer.field("AddressingMode", addressingMode)
        try writer.field("GroupCreated", groupCreated)
        try writer.field("CreatorCountryCode", creatorCountryCode)
        try writer.field("ParticipantVersionID", participantVersionID)
        try writer.field("Participants", participants)
        try writer.field("ParticipantCount", participantCount)
        try writer.field("MemberAddMode", memberAddMode)
        try writer.field("Suspended", suspended)
    }
}
