import Foundation
import WagoPluginKit

/// Media bytes to send and their MIME type: from a data URL, as WaGo takes media inline
/// (`data:<mime type>[;parameters];base64,<data>`), or fetched from a URL.
struct MediaPayload {
    /// The MIME type with its parameters as given, e.g. `audio/ogg; codecs=opus`.
    let mimeType: String
    let bytes: [UInt8]

    /// The data URL in `field`, which must hold media of `kind`.
    init(_ body: RequestBody, _ field: String, kind: MediaKind) throws {
        try self.init(dataURL: try body.requiredString(field), kind: kind, field: body.name(field))
    }

    /// Bytes fetched from `field`'s URL, whose content type must be of `kind`.
    init(fetched bytes: [UInt8], contentType: String, kind: MediaKind, field: String) throws {
        let essence = Self.essence(of: contentType)
        guard kind.accepts(essence) else {
            throw HTTPError(400, "\(field) must point at \(kind.requirement), not \(essence.isEmpty ? "an untyped file" : essence)")
        }
        guard !bytes.isEmpty else { throw HTTPError(400, "\(field) points at an empty file") }
        (mimeType, self.bytes) = (contentType.isEmpty ? "application/octet-stream" : contentType, bytes)
    }

    /// Parses a data URL; errors name `field`.
    init(dataURL text: String, kind: MediaKind, field: String) throws {
        let invalid = { (reason: String) in HTTPError(400, "\(field) \(reason)") }
        guard text.hasPrefix("data:"), let comma = text.firstIndex(of: ",") else {
            throw invalid("must be a data URL (data:<mime type>;base64,<data>)")
        }
        let header = text[text.index(text.startIndex, offsetBy: 5)..<comma]
        guard header.lowercased().hasSuffix(";base64") else { throw invalid("must be a base64 data URL (;base64,)") }
        let mimeType = header.dropLast(";base64".count).trimmingCharacters(in: .whitespaces)
        let essence = Self.essence(of: mimeType)
        let parts = essence.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains(" ") }) else {
            throw invalid("has no valid MIME type (data:<type>/<subtype>;base64,...)")
        }
        guard kind.accepts(essence) else { throw invalid("must be \(kind.requirement), not \(essence)") }
        guard let data = Data(base64Encoded: String(text[text.index(after: comma)...])) else {
            throw invalid("holds invalid base64 data")
        }
        guard !data.isEmpty else { throw invalid("holds no data") }
        (self.mimeType, bytes) = (mimeType, Array(data))
    }

    /// `type/subtype` in lower case, without parameters.
    static func essence(of mimeType: String) -> String {
        (mimeType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? "").trimmingCharacters(in: .whitespaces)
            .lowercased()
    }
}
