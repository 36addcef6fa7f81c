import Foundation
import Testing
import WagoSandbox

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Calls the sandbox's control API over HTTP.
struct ControlClient {
    /// A decoded answer: the status and the JSON object (empty when the body is not one).
    struct Answer {
        var status: Int
        var json: [String: Any]

        /// The string field `name`, or "" when absent.
        subscript(name: String) -> String { json[name] as? String ?? "" }
    }

    let base: URL
    var adminToken: String? = SandboxFixture.adminToken

    init(_ info: SandboxInfo, adminToken: String? = SandboxFixture.adminToken) throws {
        base = try #require(
            URL(string: info.url.replacingOccurrences(of: "ws://", with: "http://").replacingOccurrences(of: "/ws/chat", with: "")))
        self.adminToken = adminToken
    }

    func get(_ path: String, query: [String: String] = [:]) async throws -> Answer {
        try await call("GET", path, query: query, body: nil)
    }

    func post(_ path: String, _ fields: [String: String]) async throws -> Answer {
        try await call("POST", path, body: try JSONSerialization.data(withJSONObject: fields))
    }

    func post(_ path: String, raw: String) async throws -> Answer {
        try await call("POST", path, body: Data(raw.utf8))
    }

    private func call(_ method: String, _ path: String, query: [String: String] = [:], body: Data?) async throws -> Answer {
        var components = try #require(URLComponents(url: base.appendingPathComponent(path), resolvingAgainstBaseURL: false))
        if !query.isEmpty { components.queryItems = query.map { URLQueryItem(name: $0.key, value: $0.value) } }
        var request = URLRequest(url: try #require(components.url))
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        if let adminToken { request.setValue(adminToken, forHTTPHeaderField: "admintoken") }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = try #require(response as? HTTPURLResponse).statusCode
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return Answer(status: status, json: json)
    }
}
