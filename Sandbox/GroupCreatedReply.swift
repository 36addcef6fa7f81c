/// `POST /sandbox/groups`'s answer: `{"JID":"120363…@g.us"}`.
struct GroupCreatedReply: Encodable {
    var jid: String

    enum CodingKeys: String, CodingKey {
        case jid = "JID"
    }
}
