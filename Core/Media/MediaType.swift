/// A kind of encrypted file on WhatsApp's media hosts. Each kind has its own HKDF info string
/// (so one media key yields different keys per kind) and its own path segment on the hosts.
///
/// The list is whatsmeow's (`download.go`). Several message kinds share a type: a sticker is
/// an `image`, a voice note (an `AudioMessage` with `ptt` set) is `audio`, and a round video
/// note (`ptvMessage`, a `VideoMessage`) is `video`. whatsmeow has no product or catalog type:
/// product images travel as `image`.
public enum MediaType: String, CaseIterable, Sendable, Hashable {
    case image
    case video
    case audio
    case document
    /// History sync blobs (`HistorySyncNotification`).
    case history
    /// App state snapshots and patches too big to inline (`ExternalBlobReference`).
    case appState
    case stickerPack
    /// The thumbnail of a link preview (`ExtendedTextMessage.thumbnailDirectPath`).
    case linkThumbnail

    /// The HKDF info that expands a media key into this type's keys.
    public var hkdfInfo: String {
        switch self {
        case .image: "WhatsApp Image Keys"
        case .video: "WhatsApp Video Keys"
        case .audio: "WhatsApp Audio Keys"
        case .document: "WhatsApp Document Keys"
        case .history: "WhatsApp History Keys"
        case .appState: "WhatsApp App State Keys"
        case .stickerPack: "WhatsApp Sticker Pack Keys"
        case .linkThumbnail: "WhatsApp Link Thumbnail Keys"
        }
    }

    /// The segment after `/mms/` in upload paths, and the `mms-type` of download URLs.
    public var mmsType: String {
        switch self {
        case .image: "image"
        case .video: "video"
        case .audio: "audio"
        case .document: "document"
        case .history: "md-msg-hist"
        case .appState: "md-app-state"
        case .stickerPack: "sticker-pack"
        case .linkThumbnail: "thumbnail-link"
        }
    }

    /// The type of the file a protobuf message points to, by the message's name with or without
    /// its package (`ImageMessage`, `WAE2E.StickerMessage`, ...); nil for a message that carries
    /// no downloadable file. A link preview thumbnail is not found this way: it is always
    /// `linkThumbnail`.
    public init?(messageName: String) {
        let name = messageName.split(separator: ".").last.map(String.init) ?? messageName
        switch name {
        case "ImageMessage", "StickerMessage", "StickerMetadata": self = .image
        case "VideoMessage": self = .video
        case "AudioMessage": self = .audio
        case "DocumentMessage": self = .document
        case "StickerPackMessage": self = .stickerPack
        case "HistorySyncNotification": self = .history
        case "ExternalBlobReference": self = .appState
        default: return nil
        }
    }
}
