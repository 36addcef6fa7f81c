import Foundation
import WABinary

/// The URLs of WhatsApp's media hosts, built exactly as whatsmeow builds them (`upload.go`,
/// `download.go`).
public enum MediaURL {
    /// The host of a message's `url` field and of Baileys' downloads by direct path.
    public static let defaultHost = "mmg.whatsapp.net"

    /// Where to POST an encrypted upload body:
    /// `https://<host>/mms/<mmsType>/<token>?auth=<auth>&token=<token>`, with
    /// token = padded base64url of the body's SHA-256 (raw in the path, escaped in the query).
    public static func upload(host: String, auth: String, type: MediaType, fileEncSha256: [UInt8]) -> String {
        upload(host: host, prefix: "mms", mmsType: type.mmsType, auth: auth, fileHash: fileEncSha256)
    }

    /// Where to POST an unencrypted newsletter file: `https://<host>/newsletter/newsletter-<mmsType>/<token>?…`,
    /// the token being made from the plaintext's SHA-256.
    public static func newsletterUpload(host: String, auth: String, type: MediaType, fileSha256: [UInt8]) -> String {
        upload(
            host: host, prefix: "newsletter", mmsType: "newsletter-" + type.mmsType, auth: auth, fileHash: fileSha256)
    }

    /// whatsmeow's download URL on one host: `https://<host><directPath>&hash=<token>&mms-type=<mmsType>&__wa-mms=`.
    /// The direct path carries its own query (`…enc?ccb=…&oh=…`), hence the `&`.
    public static func download(
        host: String = defaultHost, directPath: String, fileEncSha256: [UInt8], type: MediaType
    ) throws(MediaURLError) -> String {
        try direct(directPath: directPath, host: host)
            + "&hash=\(token(for: fileEncSha256))&mms-type=\(type.mmsType)&__wa-mms="
    }

    /// The plain form, `https://<host><directPath>`, as in a message's `url` field.
    public static func direct(directPath: String, host: String = defaultHost) throws(MediaURLError) -> String {
        guard directPath.hasPrefix("/") else { throw .directPathWithoutLeadingSlash(directPath) }
        return "https://" + host + directPath
    }

    /// The padded base64url of a file hash: the upload token and the download `hash`.
    public static func token(for fileHash: [UInt8]) -> String {
        Data(fileHash).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }

    private static func upload(
        host: String, prefix: String, mmsType: String, auth: String, fileHash: [UInt8]
    ) -> String {
        let token = token(for: fileHash)
        // Go's url.Values.Encode: keys sorted, values query-escaped.
        return "https://\(host)/\(prefix)/\(mmsType)/\(token)?auth=\(auth.goQueryEscaped)&token=\(token.goQueryEscaped)"
    }
}
