import Foundation
import WagoPluginKit

/// `/message/status`: where a message this session sent has got to, from the server's ack
/// and the recipient's receipts (MessageStatusBook).
extension MessagingPlugin {
    /// `/message/status` {Id} → `{"Id","Status":"Sent"|"Delivered"|"Read","Timestamp"}`; 404
    /// for an id this session has no record of.
    static func messageStatus(_ request: Request, _ host: Host) async throws -> Response {
        let id = try RequestBody(request).requiredString("Id")
        guard let entry = try await MessageStatusBook.entry(id, session: request.session, host: host) else {
            throw HTTPError(404, "no message with Id \(id) was sent by this session")
        }
        return .json(try jsonText(["Id": id, "Status": entry.status.name, "Timestamp": entry.timestamp]))
    }

    /// A ReadReceipt event (whatsmeow's `events.Receipt`): the recipient's delivery and read
    /// receipts move our messages forward. Receipts from our own devices are about messages
    /// we received, not sent.
    static func recordReceipt(_ event: Event, _ host: Host) async throws {
        guard let receipt = try? ReceiptEventFields(json: event.json),
            receipt.isFromMe == false,
            let status = receipt.type.flatMap(MessageStatusBook.Status.init(receiptType:)),
            let ids = receipt.messageIDs
        else { return }
        try await MessageStatusBook.record(
            status, ids: ids, at: Int64(Date().timeIntervalSince1970), session: event.session, host: host)
    }
}
