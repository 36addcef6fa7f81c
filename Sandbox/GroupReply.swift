import WABinary

/// A group change's answer: `{"JID":"120363…@g.us","Subject":"…","Participants":["<phone>",…]}`.
struct GroupReply: Encodable {
    var jid: String
    var subject: String
    var participants: [String]

    init(_ group: GroupRecord) {
        jid = group.jid.description
        subject = group.subject
        participants = group.participants
    }

    enum CodingKeys: String, CodingKey {
        case jid = "JID", subject = "Subject", participants = "Participants"
    }
}
