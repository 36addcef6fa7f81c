import Foundation
import WagoPluginKit

/// Media messages: the file arrives as a data URL (or, for /send/mediaurl and carousel cards,
/// a URL the host fetches), the host encrypts and uploads it, and the message carries what a
/// recipient needs to download it (URL, direct path, media key, hashes, length).
extension MessagingPlugin {
    /// What a media message carries besides its file.
    struct MediaDetails {
        var caption: String?
        /// Documents: the name shown (`fileName` and `title`).
        var fileName: String?
        /// Replaces the file's own MIME type (`/send/document`'s Mimetype).
        var mimeType: String?
        /// Audio and video length.
        var seconds: Int64?
        /// Audio: a voice note (push to talk).
        var voiceNote = false
        /// An inline preview: (`JPEGThumbnail`|`pngThumbnail`, base64).
        var thumbnail: (field: String, base64: String)?
    }

    /// The most a fetched file may weigh (WhatsApp's own limit for videos is about this).
    static let maxFetchedBytes = 100 * 1024 * 1024

    /// `/send/image` {Phone, Image, Caption?, Id?, ContextInfo?}.
    static func sendImage(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let details = MediaDetails(caption: try body.string("Caption"))
            return try await mediaContent(.image, try MediaPayload(body, "Image", kind: .image), details, request, host)
        }
    }

    /// `/send/audio` {Phone, Audio, Ptt?, Duration?, Id?, ContextInfo?}.
    static func sendAudio(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let details = MediaDetails(
                seconds: try body.integer("Duration", in: 0...Int64(UInt32.max)), voiceNote: try body.bool("Ptt") ?? false)
            return try await mediaContent(.audio, try MediaPayload(body, "Audio", kind: .audio), details, request, host)
        }
    }

    /// `/send/document` {Phone, Document, FileName, Caption?, Mimetype?, Id?, ContextInfo?}.
    static func sendDocument(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let details = MediaDetails(
                caption: try body.string("Caption"), fileName: try body.requiredString("FileName"),
                mimeType: try body.string("Mimetype"))
            return try await mediaContent(.document, try MediaPayload(body, "Document", kind: .document), details, request, host)
        }
    }

    /// `/send/video` {Phone, Video, Caption?, Id?, JpegThumbnail?, ContextInfo?}.
    static func sendVideo(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let details = MediaDetails(
                caption: try body.string("Caption"), thumbnail: try thumbnail(body, "JpegThumbnail", as: "JPEGThumbnail"))
            return try await mediaContent(.video, try MediaPayload(body, "Video", kind: .video), details, request, host)
        }
    }

    /// `/send/sticker` {Phone, Sticker (image/webp), Id?, PngThumbnail?, ContextInfo?}.
    static func sendSticker(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let details = MediaDetails(thumbnail: try thumbnail(body, "PngThumbnail", as: "pngThumbnail"))
            return try await mediaContent(.sticker, try MediaPayload(body, "Sticker", kind: .sticker), details, request, host)
        }
    }

    /// `/send/mediaurl` {Jid, Url, Type, Duration?, Caption?, Filename?}: media the host
    /// fetches from `Url` (or a data URL), sent as `Type` (image|video|audio|document|sticker).
    static func sendMediaURL(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host, recipient: "Jid", idField: nil) { body in
            let kind = try MediaKind(body, "Type", allowed: MediaKind.allCases)
            let url = try body.requiredString("Url")
            let details = MediaDetails(
                caption: try body.string("Caption"),
                fileName: try body.string("Filename").flatMap { $0.isEmpty ? nil : $0 }
                    ?? URL(string: url).map(\.lastPathComponent).flatMap { $0.isEmpty || $0 == "/" ? nil : $0 },
                seconds: try body.integer("Duration", in: 0...Int64(UInt32.max)))
            return try await mediaContent(kind, try await mediaSource(body, "Url", kind: kind, request, host), details, request, host)
        }
    }

    /// `/send/mediabutton` {Phone, Content, Footer?, Title?, Filename?, MessageId?, Buttons,
    /// Type (image|video|document), Media}: buttons under a media header.
    static func sendMediaButton(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host, idField: "MessageId") { body in
            let content = try body.requiredString("Content")
            guard let buttons = try body.objects("Buttons") else { throw body.missing("Buttons") }
            let flowButtons = try buttons.map { try NativeFlowButton($0, keys: .buttons) }
            let kind = try MediaKind(body, "Type", allowed: [.image, .video, .document])
            var media = try await uploadedMedia(try MediaPayload(body, "Media", kind: kind), kind: kind, request, host)
            if kind == .document { media["fileName"] = try body.string("Filename").flatMap { $0.isEmpty ? nil : $0 } ?? "file" }
            return try InteractiveMessage(
                title: try body.string("Title"), headerMedia: (kind.messageField, media), body: content,
                footer: try body.string("Footer"), buttons: flowButtons
            ).content()
        }
    }

    /// `/send/preview2`: `/send/preview` whose picture is also uploaded as a full-size link
    /// thumbnail (`thumbnailDirectPath` and its keys), as WhatsApp sends large previews.
    static func sendLinkPreview2(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            var (content, image) = try linkPreview(body)
            let uploaded = try await upload(image.bytes, as: "linkThumbnail", request, host)
            content.value["thumbnailDirectPath"] = uploaded["DirectPath"]
            content.value["thumbnailSHA256"] = uploaded["FileSHA256"]
            content.value["thumbnailEncSHA256"] = uploaded["FileEncSHA256"]
            content.value["mediaKey"] = uploaded["MediaKey"]
            content.value["mediaKeyTimestamp"] = Int64(Date().timeIntervalSince1970)
            return content
        }
    }

    /// The message for a file of `kind`: uploaded, then described with `details`. Captioned
    /// documents travel in `documentWithCaptionMessage`, as WhatsApp clients send them.
    static func mediaContent(
        _ kind: MediaKind, _ payload: MediaPayload, _ details: MediaDetails, _ request: Request, _ host: Host
    ) async throws -> MessageContent {
        var media = try await uploadedMedia(payload, kind: kind, request, host)
        if let mimeType = details.mimeType, !mimeType.isEmpty { media["mimetype"] = mimeType }
        let caption = details.caption.flatMap { $0.isEmpty ? nil : $0 }
        if let caption, [.image, .video, .document].contains(kind) { media["caption"] = caption }
        if kind == .document {
            let name = details.fileName ?? "file"
            (media["fileName"], media["title"]) = (name, name)
        }
        if let seconds = details.seconds, [.audio, .video].contains(kind) { media["seconds"] = seconds }
        if kind == .audio, details.voiceNote { media["PTT"] = true }
        if let thumbnail = details.thumbnail { media[thumbnail.field] = thumbnail.base64 }
        let envelope: MessageContent.Envelope? = kind == .document && caption != nil ? .documentWithCaption : nil
        return MessageContent(kind.messageField, media, envelope: envelope)
    }

    /// Uploads `payload` and returns the media message fields that let a recipient fetch it.
    static func uploadedMedia(
        _ payload: MediaPayload, kind: MediaKind, _ request: Request, _ host: Host
    ) async throws -> [String: Any] {
        let uploaded = try await upload(payload.bytes, as: kind.uploadType, request, host)
        return [
            "URL": uploaded["URL"] ?? "", "directPath": uploaded["DirectPath"] ?? "", "mediaKey": uploaded["MediaKey"] ?? "",
            "fileEncSHA256": uploaded["FileEncSHA256"] ?? "", "fileSHA256": uploaded["FileSHA256"] ?? "",
            "fileLength": uploaded["FileLength"] ?? payload.bytes.count, "mimetype": payload.mimeType,
            "mediaKeyTimestamp": Int64(Date().timeIntervalSince1970),
        ]
    }

    /// The host's upload answer: `{"URL","DirectPath","MediaKey","FileEncSHA256","FileSHA256","FileLength"}`.
    private static func upload(_ bytes: [UInt8], as mediaType: String, _ request: Request, _ host: Host) async throws
        -> [String: Any]
    {
        let answer: String
        do throws(HostError) {
            answer = try await host.uploadMedia(session: request.session, mediaType: mediaType, data: bytes)
        } catch {
            throw serviceFailure(error, "upload media")
        }
        guard let uploaded = try? JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any],
            uploaded["DirectPath"] is String, uploaded["MediaKey"] is String
        else { throw HTTPError(500, "the host answered upload_media with \(answer)") }
        return uploaded
    }

    /// The file in `field`: a data URL, or an http(s) URL the host fetches.
    static func mediaSource(
        _ body: RequestBody, _ field: String, kind: MediaKind, _ request: Request, _ host: Host
    ) async throws -> MediaPayload {
        let value = try body.requiredString(field)
        if value.hasPrefix("data:") { return try MediaPayload(body, field, kind: kind) }
        guard let scheme = URL(string: value)?.scheme?.lowercased(), ["http", "https"].contains(scheme) else {
            throw body.invalid(field, "must be an http(s) URL or a data URL")
        }
        let fetched: FetchedURL
        do throws(HostError) {
            fetched = try await host.fetchURL(session: request.session, url: value, maxBytes: maxFetchedBytes)
        } catch {
            throw serviceFailure(error, "fetch \(body.name(field))")
        }
        return try MediaPayload(fetched: fetched.bytes, contentType: fetched.contentType, kind: kind, field: body.name(field))
    }

    /// An optional base64 thumbnail in `field`, for the message field `messageField`.
    private static func thumbnail(_ body: RequestBody, _ field: String, as messageField: String) throws
        -> (field: String, base64: String)?
    {
        try body.base64(field).map { (messageField, Data($0).base64EncodedString()) }
    }

    /// A failed host service as an HTTP answer: what the caller can fix is a 4xx.
    static func serviceFailure(_ error: HostError, _ action: String) -> HTTPError {
        let status: UInt16 =
            switch error.code {
            case .invalidArgument: 400
            case .notFound: 404
            case .unsupported: 501
            case .notConnected: 503
            case .timeout: 504
            case .remote: 502
            case .alreadyDone, .internal: 500
            }
        return HTTPError(status, "could not \(action): \(error.message)")
    }
}
