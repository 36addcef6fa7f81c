import Foundation
import WagoPluginKit

/// `/message/download/*` and `/message/downloadimage`: media a message described, fetched
/// and decrypted by the host, answered as wuzapi does: `{"Mimetype","Data":"data:...;base64,..."}`.
extension MessagingPlugin {
    /// {Url, DirectPath?, MediaKey, Mimetype, FileEncSHA256?, FileSHA256, FileLength}, the
    /// fields of the message's media (bytes as base64, as Go's encoding/json writes them).
    static func downloadMedia(_ request: Request, _ host: Host, kind: MediaKind) async throws -> Response {
        let body = try RequestBody(request)
        let url = try body.requiredString("Url")
        let mimeType = try body.requiredString("Mimetype")
        guard let length = try body.integer("FileLength", in: 0...Int64(Int32.max)) else { throw body.missing("FileLength") }
        var media: [String: Any] = [
            "URL": url, "mimetype": mimeType, "fileLength": length,
            "mediaKey": try hash(body, "MediaKey", required: true) ?? "",
            "fileSHA256": try hash(body, "FileSHA256", required: true) ?? "",
            "directPath": try body.string("DirectPath").flatMap { $0.isEmpty ? nil : $0 } ?? directPath(of: url, body),
        ]
        if let encrypted = try hash(body, "FileEncSHA256", required: false) { media["fileEncSHA256"] = encrypted }
        let message = try jsonText([kind.messageField: media])
        let bytes: [UInt8]
        do throws(HostError) {
            bytes = try await host.downloadMedia(session: request.session, mediaMessageJSON: message)
        } catch {
            throw serviceFailure(error, "download the \(kind.rawValue)")
        }
        let data = "data:\(mimeType);base64,\(Data(bytes).base64EncodedString())"
        return .json(try jsonText(["Mimetype": mimeType, "Data": data]))
    }

    /// A 32-byte key or SHA-256 sent as base64, kept as base64 for the protobuf JSON.
    private static func hash(_ body: RequestBody, _ field: String, required: Bool) throws -> String? {
        guard let bytes = try body.base64(field) else {
            if required { throw body.missing(field) }
            return nil
        }
        guard bytes.count == 32 else { throw body.invalid(field, "must be 32 bytes (base64)") }
        return Data(bytes).base64EncodedString()
    }

    /// The media host path of a download URL (`/v/t62...enc?ccb=...`), which is what the
    /// message's `directPath` holds when a caller sends only the URL.
    private static func directPath(of url: String, _ body: RequestBody) throws -> String {
        guard let components = URLComponents(string: url), ["https", "http"].contains(components.scheme?.lowercased()),
            components.host != nil, !components.percentEncodedPath.isEmpty
        else { throw body.invalid("Url", "must be an http(s) URL of a media host") }
        return components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}
