import Foundation
import WAMedia
import WagoTestSupport

/// `shared/vectors/media.json`, decoded.
struct MediaVectors: Decodable {
    struct Expansion: Decodable {
        var mediaType: String
        var hkdfInfo: String
        var mediaKeyHex: String
        var expanded112Hex: String
        var ivHex: String
        var cipherKeyHex: String
        var macKeyHex: String
        var refKeyHex: String
    }

    struct Upload: Decodable {
        struct Request: Decodable {
            var method: String
            var path: String
            var query: [String: String]
        }

        var mediaType: String
        var hkdfInfo: String
        var description: String
        var plaintextHex: String
        var mediaKeyHex: String
        var ivHex: String
        var cipherKeyHex: String
        var macKeyHex: String
        var refKeyHex: String
        var ciphertextHex: String
        var hmacSha256FullHex: String
        var mac10Hex: String
        var encFileHex: String
        var fileSha256Hex: String
        var fileEncSha256Hex: String
        var fileLength: Int
        var encFileLength: Int
        var uploadRequest: Request
    }

    var hkdfCases: [Expansion]
    var cases: [Upload]

    static func load() throws -> MediaVectors {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(MediaVectors.self, from: SharedData.data("vectors/media.json"))
    }

    /// whatsmeow's constant names (`MediaImage`, ...) for our types.
    static func type(named name: String) -> MediaType? {
        [
            "MediaImage": .image, "MediaVideo": .video, "MediaAudio": .audio, "MediaDocument": .document,
            "MediaHistory": .history, "MediaAppState": .appState, "MediaStickerPack": .stickerPack,
            "MediaLinkThumbnail": .linkThumbnail,
        ][name]
    }
}

/// Bytes of a vector hex field (empty for the empty string).
func bytes(_ hex: String) throws -> [UInt8] {
    guard let data = Data(hex: hex) else { throw InvalidHex(text: hex) }
    return Array(data)
}

struct InvalidHex: Error {
    var text: String
}
