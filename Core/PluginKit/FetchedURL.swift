#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `Host.fetchURL` got: the body and its `Content-Type` (empty when the server sent none).
public struct FetchedURL: Sendable, Hashable, Decodable {
    public var bytes: [UInt8]
    public var contentType: String

    public init(bytes: [UInt8], contentType: String) {
        self.bytes = bytes
        self.contentType = contentType
    }

    /// The host's result, `{"ContentType":"…","Data":"<base64>"}`.
    static func decode(_ result: [UInt8]) throws(HostError) -> FetchedURL {
        do {
            return try JSONDecoder().decode(FetchedURL.self, from: Data(result))
        } catch {
            throw HostError(.internal, "fetch_url answered something other than {ContentType, Data}: \(error)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case bytes = "Data", contentType = "ContentType"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        bytes = Array(try container.decode(Data.self, forKey: .bytes))
        contentType = try container.decode(String.self, forKey: .contentType)
    }
}
