import Foundation
import Testing
import WAMedia
import WAProto

/// `MediaRetry.file(in:)`: the file a message carries, found as the phone and the client look
/// for it when a media retry is asked for.
struct MediaRetryFileTests {
    @Test func findsTheFileOfEachMediaKindAndInsideWrappers() throws {
        let key = Data(repeating: 7, count: 32)
        var image = WAE2E_Message()
        image.imageMessage.mediaKey = key
        image.imageMessage.directPath = "/v/t62.7118-24/image.enc"
        var document = WAE2E_Message()
        document.documentMessage.mediaKey = key
        document.documentMessage.directPath = "/v/t62.7118-24/document.enc"
        var sticker = WAE2E_Message()
        sticker.stickerMessage.mediaKey = key
        sticker.stickerMessage.directPath = "/v/t62.7118-24/sticker.enc"
        var ephemeral = WAE2E_Message()
        ephemeral.ephemeralMessage.message = image
        var viewOnce = WAE2E_Message()
        viewOnce.viewOnceMessageV2.message = ephemeral
        var captioned = WAE2E_Message()
        captioned.documentWithCaptionMessage.message = document

        for (message, path) in [
            (image, "/v/t62.7118-24/image.enc"), (document, "/v/t62.7118-24/document.enc"),
            (sticker, "/v/t62.7118-24/sticker.enc"), (viewOnce, "/v/t62.7118-24/image.enc"),
            (captioned, "/v/t62.7118-24/document.enc"),
        ] {
            let file = try #require(MediaRetry.file(in: message))
            #expect(file.mediaKey == Array(key))
            #expect(file.directPath == path)
        }
    }

    @Test func aMessageWithoutAFileOrItsKeyHasNone() {
        var text = WAE2E_Message()
        text.conversation = "no file"
        #expect(MediaRetry.file(in: text) == nil)
        var keyless = WAE2E_Message()
        keyless.videoMessage.directPath = "/v/t62.7118-24/video.enc"
        #expect(MediaRetry.file(in: keyless) == nil)
    }
}
