import Foundation

/// Where a running sandbox listens and the root key a gateway must pin to trust it. The JSON
/// form, `{"URL":"ws://127.0.0.1:1338/ws/chat","RootPublicKey":"<hex>"}`, is what
/// `wago sandbox` prints and `GET /sandbox/info` returns.
public struct SandboxInfo: Codable, Sendable, Equatable {
    /// The chat WebSocket URL (set `WAGO_WA_URL` to it).
    public var url: String
    /// The root public key in hex (set `WAGO_WA_ROOT_KEY` to it).
    public var rootPublicKey: String

    public init(url: String, rootPublicKey: String) {
        self.url = url
        self.rootPublicKey = rootPublicKey
    }

    enum CodingKeys: String, CodingKey {
        case url = "URL"
        case rootPublicKey = "RootPublicKey"
    }
}

extension SandboxInfo {
    /// The one-line JSON form, keys in the documented order (JSONEncoder's order is not stable).
    public var json: String {
        #"{"URL":\#(Self.quoted(url)),"RootPublicKey":\#(Self.quoted(rootPublicKey))}"#
    }

    private static func quoted(_ string: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // A string always encodes.
        return String(decoding: try! encoder.encode(string), as: UTF8.self)
    }
}
