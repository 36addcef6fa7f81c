import Crypto
import Foundation
import WABinary
import WagoStore

/// The POST of one delivery: WaGo's form (`jsonData` and `token`, as multipart form data with a
/// `file` part when it forwards a media file) or the JSON object itself, with the event id,
/// the event type and an HMAC-SHA256 signature of the exact body.
struct WebhookRequest: Sendable {
    static let eventIDHeader = "X-Wago-Event-Id"
    static let eventTypeHeader = "X-Wago-Event-Type"
    /// wuzapi's name for its signature header.
    static let signatureHeader = "X-Hmac-Signature"

    var url: URL
    var contentType: String
    var body: Data
    /// Event id, type and (when the session has a secret) the signature.
    var headers: [(name: String, value: String)]

    /// `payload` is the delivery's `jsonData` text; `file` the media file a form delivery
    /// forwards.
    init(delivery: WebhookDelivery, payload: String, session: SessionRecord, url: URL, file: WebhookFile? = nil) {
        self.url = url
        switch (session.webhookFormat, file) {
        case (.form, let file?):
            let boundary = Self.multipartBoundary()
            contentType = "multipart/form-data; boundary=\(boundary)"
            body = Self.multipart([("jsonData", payload), ("token", session.token)], file: file, boundary: boundary)
        case (.form, nil):
            // Go's url.Values.Encode, which wuzapi's form posts go through: keys sorted.
            contentType = "application/x-www-form-urlencoded"
            body = Self.formEncoded([("jsonData", payload), ("token", session.token)])
        case (.json, _):
            contentType = "application/json"
            body = Data(payload.utf8)
        }
        headers = [(Self.eventIDHeader, delivery.id), (Self.eventTypeHeader, delivery.type)]
        if !session.webhookSecret.isEmpty {
            headers.append((Self.signatureHeader, Self.signature(of: body, secret: session.webhookSecret)))
        }
    }

    /// Lowercase hex of HMAC-SHA256(key: the secret's UTF-8 bytes, message: the body).
    static func signature(of body: Data, secret: String) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8))))
    }

    /// `multipart/form-data` as Go's `mime/multipart` writes wuzapi's file posts: the fields,
    /// then the file part.
    static func multipart(_ fields: [(String, String)], file: WebhookFile, boundary: String) -> Data {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quoted(name))\"\r\n\r\n".utf8))
            body.append(Data(value.utf8))
            body.append(Data("\r\n".utf8))
        }
        body.append(
            Data(
                ("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(quoted(file.fileName))\"\r\n"
                    + "Content-Type: \(file.contentType.filter { !$0.isNewline })\r\n\r\n").utf8))
        body.append(contentsOf: file.bytes)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return body
    }

    /// Go's `randomBoundary`: 30 random bytes in hex.
    static func multipartBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<30).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &generator)) }.joined()
    }

    /// A header parameter value with `\` and `"` escaped, as Go's `escapeQuotes`; line breaks,
    /// which would end the header, become spaces.
    private static func quoted(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
    }

    /// `application/x-www-form-urlencoded` as Go's `url.Values.Encode` writes it.
    static func formEncoded(_ fields: [(String, String)]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count * 3 + 2 })
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "&")) }
            bytes += Array(name.goQueryEscaped.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes += Array(value.goQueryEscaped.utf8)
        }
        return Data(bytes)
    }
}
