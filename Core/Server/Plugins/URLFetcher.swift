import Foundation
import WagoHTTPClient
import WagoPluginABI

/// The host's `fetch_url` service: a GET on a URL a plugin was given (say, media to send),
/// under the server's outbound URL policy (loopback and private networks refused unless
/// `WAGO_ALLOW_PRIVATE_URLS`), checked again on the resolved address, with a size limit.
/// Redirects are not followed: the answer is the URL's own.
struct URLFetcher: Sendable {
    /// The most a fetch may return, whatever the plugin asks for.
    static let maxBytes = 100 * 1024 * 1024

    let urlPolicy: OutboundURLPolicy
    private let client: HTTPClient

    init(urlPolicy: OutboundURLPolicy) throws {
        self.urlPolicy = urlPolicy
        client = try HTTPClient(requestTimeout: .seconds(120), addressCheck: { urlPolicy.refusal(connectingTo: $0) })
    }

    /// The body and content type of a 2xx answer to GET `url`, at most `maxBytes` long (0 or
    /// more than `URLFetcher.maxBytes` means `URLFetcher.maxBytes`).
    /// - Returns: `{"ContentType":"…","Data":"<base64>"}`.
    func fetch(_ url: String, maxBytes: UInt64) async throws(HostServiceError) -> [UInt8] {
        let checked: URL
        do {
            checked = try urlPolicy.validate(url, field: "url")
        } catch let error as APIError {
            throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, error.message)
        } catch {
            throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "url is not valid: \(error)")
        }
        let limit = maxBytes == 0 || maxBytes > UInt64(Self.maxBytes) ? Self.maxBytes : Int(maxBytes)
        let response: HTTPClientResponse
        do throws(HTTPClientError) {
            response = try await client.send(
                HTTPClientRequest(method: .get, url: checked, headers: [("User-Agent", "wago/\(WagoVersion.current)")]),
                responseBodyLimit: limit)
        } catch {
            throw Self.serviceError(error)
        }
        guard (200..<300).contains(response.status) else {
            throw HostServiceError(
                response.status == 404 ? WAGO_ERR_NOT_FOUND : WAGO_ERR_INTERNAL, "the URL answered HTTP \(response.status)")
        }
        let object: [String: String] = [
            "ContentType": response.header("Content-Type") ?? "", "Data": Data(response.body).base64EncodedString(),
        ]
        // Two strings always serialize.
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    private static func serviceError(_ error: HTTPClientError) -> HostServiceError {
        switch error {
        case .refused(let host, let reason):
            HostServiceError(
                WAGO_ERR_INVALID_ARGUMENT,
                "url host \(host) resolves to \(reason); set WAGO_ALLOW_PRIVATE_URLS=1 to allow private destinations")
        case .invalidURL, .responseTooLarge: HostServiceError(WAGO_ERR_INVALID_ARGUMENT, error.description)
        case .timedOut: HostServiceError(WAGO_ERR_TIMEOUT, error.description)
        case .unresolved: HostServiceError(WAGO_ERR_NOT_FOUND, error.description)
        case .connection, .tlsConfiguration, .cancelled: HostServiceError(WAGO_ERR_INTERNAL, error.description)
        }
    }
}
