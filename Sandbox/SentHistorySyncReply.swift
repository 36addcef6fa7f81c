/// `GET /sandbox/historysync`: `{"Sent":[{"ID","Device","SyncType","Acknowledged"}]}`.
struct SentHistorySyncReply: Encodable {
    var sent: [SentHistorySync]

    enum CodingKeys: String, CodingKey {
        case sent = "Sent"
    }
}
