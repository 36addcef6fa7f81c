import Foundation
import Logging
import WABinary
import WAMedia
import WAMessaging
import WAProto
import WATransport
import WagoStore

/// Media retry (whatsmeow `mediaretry.go`): a file that expired on the media host is asked
/// for again from the sender's phone, which uploads it anew and answers with its new direct
/// path. The client remembers the media messages it received lately, so a download of an
/// expired file finds the message to ask about by the file's media key.
extension WhatsAppClient {
    /// How many received media messages are remembered for media retries.
    static let recentMediaCapacity = 1024
    /// How long the phone has to answer a media retry request.
    static let mediaRetryTimeout = Duration.seconds(30)

    /// Remembers `received` when it carries a file.
    func rememberMedia(of received: ReceivedMessage) {
        guard let file = MediaRetry.file(in: received.message) else { return }
        recentMedia.insert(received, for: file.mediaKey)
    }

    /// The received message the file with `mediaKey` came in, if it is a recent one.
    func receivedMessage(withMediaKey mediaKey: [UInt8]) -> ReceivedMessage? {
        recentMedia[mediaKey]
    }

    /// Asks the phone that sent `message` to upload its file (under `mediaKey`) again: the
    /// `server-error` receipt, then the `mediaretry` notification's new direct path.
    /// - Throws: `MediaTransferError.retry` when the phone does not answer in time, answers
    ///   with an error or a result other than success, or its answer does not decrypt.
    func requestMediaRetry(for message: ReceivedMessage, mediaKey: [UInt8]) async throws -> String {
        guard loggedIn, let ownJID else { throw ClientError.notLoggedIn }
        let request: Node
        do throws(MediaRetryError) {
            request = try MediaRetry.receipt(
                messageID: message.id, ownJID: ownJID.nonAD, chat: message.chat, fromMe: message.isFromMe,
                participant: message.isGroup ? message.sender.nonAD : nil, mediaKey: mediaKey)
        } catch {
            throw MediaTransferError.retry(error)
        }
        let (answers, sink) = AsyncStream<MediaRetryNotice>.makeStream()
        mediaRetryWaiters[message.id] = sink
        defer { mediaRetryWaiters[message.id] = nil }
        try await socket.send(request)
        let notice = try await withThrowingTaskGroup(of: MediaRetryNotice?.self) { group in
            group.addTask { await answers.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: Self.mediaRetryTimeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let notice = try await group.next() ?? nil else { throw MediaTransferError.retry(.notAnswered) }
            return notice
        }
        do throws(MediaRetryError) {
            let answer = try notice.open(mediaKey: mediaKey)
            guard answer.result == .success, !answer.directPath.isEmpty else {
                throw .unsuccessful(result: "\(answer.result)")
            }
            return answer.directPath
        } catch {
            throw MediaTransferError.retry(error)
        }
    }

    /// `<notification type=mediaretry>`: handed to the download waiting for it; one nobody
    /// waits for (or that does not parse) is logged.
    func handleMediaRetryNotification(_ node: Node) {
        do throws(MediaRetryError) {
            let notice = try MediaRetryNotice(node: node)
            guard let waiter = mediaRetryWaiters.removeValue(forKey: notice.messageID) else {
                logger.info("a media retry answer nobody waits for", metadata: ["id": "\(notice.messageID)"])
                return
            }
            waiter.yield(notice)
            waiter.finish()
        } catch {
            logger.warning("a media retry notification does not parse", metadata: ["error": "\(error)"])
        }
    }
}
