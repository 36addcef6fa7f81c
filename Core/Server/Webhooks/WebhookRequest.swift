import Crypto
import Foundation
import WABinary
import WagoStore

/// The POST of one delivery: WaGo's form (`jsonData` and `token`) or the JSON object itself,
/// with the event id, the event type and an HMAC-SHA256 signature of the exact body.
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

    /// `payload` is the delivery's `jsonData` text.
    init(delivery: WebhookDelivery, payload: String, session: SessionRecord, url: URL) {
        self.url = url
        switch session.webhookFormat {
        case .form:
            // Go's url.Values.Encode, which wuzapi's form posts go through: keys sorted.
            contentType = "application/x-www-form-urlencoded"
            body = Self.formEncoded([("jsonData", payload), ("token", session.token)])
        case .json:
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
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
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
