import Foundation
import Logging
import WABinary
import WAMedia
import WAProto

/// Media retry on the phone's side (whatsmeow `mediaretry.go`): a device that found a file
/// expired sends `<receipt type=server-error>` naming the message; the phone that sent it
/// uploads the file again and answers with `<notification type=mediaretry>` holding the new
/// direct path, sealed under the message's media key.
extension MessageRouter {
    /// Answers `device`'s media retry request for a message a virtual phone sent: SUCCESS with
    /// a new direct path, NOT_FOUND when neither the host nor the phone has the file, or
    /// `<error code=2>` when the phone does not know the message. A request that does not
    /// decrypt with the message's media key is dropped.
    func phoneAnswerMediaRetry(_ receipt: Node, from device: JID, media: MediaHost, now: Date = Date()) async {
        guard let id = receipt["id"]?.description, let rmr = receipt.child(tagged: "rmr"), let chat = rmr["jid"]?.jid else {
            logger.info("dropped a media retry request without id or rmr")
            return
        }
        let fromMe = rmr["from_me"]?.description == "true"
        let participant = rmr["participant"]?.jid
        let sender = fromMe ? device : participant ?? chat
        guard let account = await accounts.account(owning: sender) else {
            logger.info("dropped a media retry request for an unknown sender", metadata: ["sender": "\(sender)"])
            return
        }
        let notice: MediaRetryNotice
        if let sent = await media.sentFile(id: id, by: account.phone) {
            do {
                try MediaRetry.openReceipt(receipt, mediaKey: sent.mediaKey)
                let renewed = try await media.uploadAgain(directPath: sent.directPath)
                notice = try MediaRetryNotice(
                    answering: id, chat: chat, fromMe: fromMe, participant: participant, directPath: renewed ?? "",
                    result: renewed == nil ? .notFound : .success, mediaKey: sent.mediaKey)
            } catch {
                logger.info("dropped a media retry request", metadata: ["id": "\(id)", "error": "\(error)"])
                return
            }
        } else {
            notice = MediaRetryNotice(
                messageID: id, chat: chat, fromMe: fromMe, participant: participant, answer: .error(code: 2))
        }
        await deliver(notice.node(to: device, from: account.jid, timestamp: Int(now.timeIntervalSince1970)), to: device)
    }
}
