/// The kinds of media a message carries: the `Message` field each goes in, the media type the
/// host uploads it as (it picks the encryption keys and the upload path), and the MIME types
/// WhatsApp shows in it.
enum MediaKind: String, CaseIterable {
    case image, video, audio, document, sticker

    /// The `Message` field, e.g. `imageMessage`.
    var messageField: String { rawValue + "Message" }

    /// The media type the host uploads and downloads it as: stickers are encrypted as images.
    var uploadType: String { self == .sticker ? "image" : rawValue }

    /// What the media of this kind must be, for error messages.
    var requirement: String {
        switch self {
        case .image: "an image (image/*)"
        case .video: "a video (video/*)"
        case .audio: "an audio (audio/*)"
        case .document: "a file of any type"
        case .sticker: "a WebP image (image/webp)"
        }
    }

    /// Whether WhatsApp shows media of `mimeType` (lower case, without parameters) as this kind.
    func accepts(_ mimeType: String) -> Bool {
        switch self {
        case .image: mimeType.hasPrefix("image/")
        case .video: mimeType.hasPrefix("video/")
        case .audio: mimeType.hasPrefix("audio/")
        case .document: true
        case .sticker: mimeType == "image/webp"
        }
    }

    /// The kind a request's `Type` field names, among `allowed`.
    init(_ body: RequestBody, _ field: String, allowed: [MediaKind]) throws {
        let name = try body.requiredString(field)
        guard let kind = MediaKind(rawValue: name.lowercased()), allowed.contains(kind) else {
            throw body.invalid(field, "must be one of \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        self = kind
    }
}
