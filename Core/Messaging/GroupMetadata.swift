import WABinary

/// What the client needs of a group to send to it: who is in it.
public struct GroupMetadata: Sendable, Equatable {
    /// The `@g.us` JID.
    public var jid: JID
    public var subject: String
    public var creator: JID?
    /// Every member's user JID, admins first as the server lists them.
    public var participants: [JID]
    /// Members whose `type` is admin or superadmin.
    public var admins: Set<JID>

    public init(jid: JID, subject: String, creator: JID?, participants: [JID], admins: Set<JID> = []) {
        self.jid = jid
        self.subject = subject
        self.creator = creator
        self.participants = participants
        self.admins = admins
    }
}
