import Testing
import WAMedia

/// Media types as whatsmeow names and routes them (`download.go`).
@Suite struct MediaTypeTests {
    @Test func mapsMessagesToTypesLikeWhatsmeow() {
        let expected: [String: MediaType] = [
            "ImageMessage": .image, "WAE2E.StickerMessage": .image, "StickerMetadata": .image,
            "VideoMessage": .video, "AudioMessage": .audio, "DocumentMessage": .document,
            "StickerPackMessage": .stickerPack, "WAE2E.HistorySyncNotification": .history,
            "WAServerSync.ExternalBlobReference": .appState,
        ]
        for (name, type) in expected { #expect(MediaType(messageName: name) == type, "\(name)") }
        #expect(MediaType(messageName: "ExtendedTextMessage") == nil)
        #expect(MediaType(messageName: "") == nil)
    }

    @Test func everyTypeHasItsOwnInfoAndPath() {
        #expect(Set(MediaType.allCases.map(\.hkdfInfo)).count == MediaType.allCases.count)
        #expect(Set(MediaType.allCases.map(\.mmsType)).count == MediaType.allCases.count)
        #expect(MediaType.allCases.allSatisfy { $0.hkdfInfo.hasPrefix("WhatsApp ") && $0.hkdfInfo.hasSuffix(" Keys") })
    }
}
