import Crypto
import Foundation
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

    /// `application/x-www-form-urlencoded` as Go's url.QueryEscape writes it: letters, digits
    /// and `-_.~` kept, space as `+`, every other byte as `%XX` (upper-case hex).
    static func formEncoded(_ fields: [(String, String)]) -> Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(fields.reduce(0) { $0 + $1.0.utf8.count + $1.1.utf8.count * 3 + 2 })
        for (index, (name, value)) in fields.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: "&")) }
            escape(name, into: &bytes)
            bytes.append(UInt8(ascii: "="))
            escape(value, into: &bytes)
        }
        return Data(bytes)
    }

    private static func escape(_ text: String, into bytes: inout [UInt8]) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                bytes.append(byte)
            case UInt8(ascii: " "):
                bytes.append(UInt8(ascii: "+"))
            default:
                bytes.append(contentsOf: [UInt8(ascii: "%"), hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
            }
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
}
