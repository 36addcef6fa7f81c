/// What the status book reads of a ReadReceipt event (whatsmeow's `events.Receipt`): decoded
/// with `JSONDecoder`, which skips the rest of the event without building it as
/// `JSONSerialization` would (every receipt of every sent message comes through here).
struct ReceiptEventFields: Decodable {
    let isFromMe: Bool?
    let type: String?
    let messageIDs: [String]?

    enum CodingKeys: String, CodingKey {
        case isFromMe = "IsFromMe"
        case type = "Type"
        case messageIDs = "MessageIDs"
    }
}
