import Foundation
import Logging
import WAMedia
import WagoStore

/// WaGo's media file forwarding: for a session that turned it on, the media a Message event
/// carries is downloaded through the session's WhatsApp client and decrypted, in the outbox
/// worker (never on the socket's path), so that the delivery can carry it as `file`.
struct WebhookMediaFetcher: Sendable {
    let clients: SessionClients
    let logger: Logger

    /// The media messages whose files are forwarded, by their key in the event's `Message`.
    private static let mediaKinds: [(key: String, type: MediaType)] = [
        ("imageMessage", .image), ("videoMessage", .video), ("audioMessage", .audio),
        ("documentMessage", .document), ("stickerMessage", .image),
    ]

    /// The file of `delivery`, when it is a Message event with media on a session that
    /// forwards media in form deliveries. A file that cannot be had is logged and the event
    /// goes without it, as WaGo posts it when its download fails.
    func file(for delivery: WebhookDelivery, payload: String, session: SessionRecord) async -> WebhookFile? {
        guard session.webhookForwardsMedia, session.webhookFormat == .form, delivery.type == "Message",
            let media = Self.media(in: payload)
        else { return nil }
        do {
            let bytes = try await clients.downloadMedia(
                of: session, directPath: media.directPath, info: media.info, type: media.type)
            return WebhookFile(bytes: bytes, fileName: media.fileName, contentType: media.contentType)
        } catch {
            logger.warning(
                "could not download a media file to forward; posting the event without it",
                metadata: ["session": "\(session.id)", "event": "\(delivery.id)", "error": "\(error)"])
            return nil
        }
    }

    /// What the event's media message says about its file.
    private struct Media {
        var type: MediaType
        var directPath: String
        var info: MediaFileInfo
        var fileName: String
        var contentType: String
    }

    /// Reads the media message from the payload WaGo posts (`event.Message.<kind>` with
    /// protoc-gen-go's json tags, bytes in base64).
    private static func media(in payload: String) -> Media? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any],
            let event = root["event"] as? [String: Any], let message = event["Message"] as? [String: Any],
            let kind = mediaKinds.first(where: { message[$0.key] is [String: Any] }),
            let fields = message[kind.key] as? [String: Any],
            let directPath = fields["directPath"] as? String, !directPath.isEmpty,
            let mediaKey = bytes(fields["mediaKey"]), let fileEncSha256 = bytes(fields["fileEncSHA256"])
        else { return nil }
        let id = (event["Info"] as? [String: Any])?["ID"] as? String ?? "media"
        let contentType = (fields["mimetype"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? "application/octet-stream"
        let documentName = (fields["fileName"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        let info = MediaFileInfo(
            mediaKey: mediaKey, fileSha256: bytes(fields["fileSHA256"]) ?? [], fileEncSha256: fileEncSha256,
            fileLength: (fields["fileLength"] as? NSNumber)?.uint64Value ?? 0)
        return Media(
            type: kind.type, directPath: directPath, info: info,
            fileName: documentName ?? id + extensionFor(contentType), contentType: contentType)
    }

    private static func bytes(_ value: Any?) -> [UInt8]? {
        (value as? String).flatMap { Data(base64Encoded: $0) }.map(Array.init)
    }

    /// The usual file extension of a media type WhatsApp sends; empty for others.
    private static func extensionFor(_ contentType: String) -> String {
        let essence = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        switch essence.lowercased() {
        case "image/jpeg": return ".jpg"
        case "image/png": return ".png"
        case "image/webp": return ".webp"
        case "image/gif": return ".gif"
        case "video/mp4": return ".mp4"
        case "video/3gpp": return ".3gp"
        case "audio/ogg": return ".ogg"
        case "audio/mpeg": return ".mp3"
        case "audio/mp4", "audio/aac": return ".m4a"
        case "application/pdf": return ".pdf"
        default: return ""
        }
    }
}
