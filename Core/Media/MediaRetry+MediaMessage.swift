import Foundation
import WAProto

/// Which file a message carries, for media retries: the phone finds the message it sent, the
/// client the message it received, by its media key.
extension MediaRetry {
    /// The media key and direct path of the image, video, audio, document or sticker in
    /// `message` (inside view-once, ephemeral and captioned-document wrappers too); nil for a
    /// message without a file.
    public static func file(in message: WAE2E_Message) -> (mediaKey: [UInt8], directPath: String)? {
        if message.hasEphemeralMessage { return file(in: message.ephemeralMessage.message) }
        if message.hasViewOnceMessage { return file(in: message.viewOnceMessage.message) }
        if message.hasViewOnceMessageV2 { return file(in: message.viewOnceMessageV2.message) }
        if message.hasDocumentWithCaptionMessage { return file(in: message.documentWithCaptionMessage.message) }
        let found: (key: Data, path: String)? =
            if message.hasImageMessage { (message.imageMessage.mediaKey, message.imageMessage.directPath) }
            else if message.hasVideoMessage { (message.videoMessage.mediaKey, message.videoMessage.directPath) }
            else if message.hasAudioMessage { (message.audioMessage.mediaKey, message.audioMessage.directPath) }
            else if message.hasDocumentMessage { (message.documentMessage.mediaKey, message.documentMessage.directPath) }
            else if message.hasStickerMessage { (message.stickerMessage.mediaKey, message.stickerMessage.directPath) }
            else { nil }
        guard let found, !found.key.isEmpty else { return nil }
        return (Array(found.key), found.path)
    }
}
