import WABinary

/// `events.GroupInfo`: a change to a group (`w:gp2` notification). Each optional member is a
/// Go pointer or nil slice, written `null` when absent.
public struct GroupInfo: Sendable, Hashable, GoJSONEncodable {
    public var jid: JID = .goZero
    public var notify = ""
    public var sender: JID?
    public var senderPN: JID?
    public var timestamp: GoTime = .zero
    public var name: GroupName?
    public var topic: GroupTopic?
    public var locked: GroupLocked?
    public var announce: GroupAnnounce?
    public var ephemeral: GroupEphemeral?
    public var membershipApprovalMode: GroupMembershipApprovalMode?
    public var delete: GroupDelete?
    public var link: GroupLinkChange?
    public var unlink: GroupLinkChange?
    public var newInviteLink: String?
    public var previousParticipantVersionID = ""
    public var participantVersionID = ""
    public var joinReason = ""
    public var join: [JID]?
    public var leave: [JID]?
    public var promote: [JID]?
    public var demote: [JID]?
    public var suspended = false
    public var unsuspended = false
    public var unknownChanges: [Node]?

    public init() {}

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("JID", jid)
            try writer.field("Notify", notify)
            try writer.field("Sender", sender)
            try writer.field("SenderPN", senderPN)
            try writer.field("Timestamp", timestamp)
            try writer.field("Name", name)
            try writer.field("Topic", topic)
            try writer.field("Locked", locked)
            try writer.field("Announce", announce)
            try writer.field("Ephemeral", ephemeral)
            try writer.field("MembershipApprovalMode", membershipApprovalMode)
            try writer.field("Delete", delete)
            try writer.field("Link", link)
            try writer.field("Unlink", unlink)
            try writer.field("NewInviteLink", newInviteLink)
            try writer.field("PrevParticipantVersionID", previousParticipantVersionID)
            try writer.field("ParticipantVersionID", participantVersionID)
            try writer.field("JoinReason", joinReason)
            try writer.field("Join", join)
            try writer.field("Leave", leave)
            try writer.field("Promote", promote)
            try writer.field("Demote", demote)
            try writer.field("Suspended", suspended)
            try writer.field("Unsuspended", unsuspended)
            try writer.field("UnknownChanges", unknownChanges)
        }
    }
}
