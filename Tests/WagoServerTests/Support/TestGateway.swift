import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WAClient
@testable import WagoServer

/// A gateway on a fresh data folder, for one test.
struct TestGateway {
    static let adminToken = "test-admin-token"

    let dataDirectory: URL
    let gateway: Gateway

    init(plugins: [String] = [], enabled: Set<String>? = nil, dataDirectory: URL? = nil,
         timeout: Duration = .seconds(120), whatsApp: ClientConfiguration? = nil, allowPrivateURLs: Bool = false,
         extraRoutes: (Router<BasicRequestContext>) -> Void = { _ in }) throws {
        self.dataDirectory = dataDirectory ?? Self.temporaryDirectory()
        var logger = Logger(label: "wago.test")
        logger.logLevel = .critical
        var settings = GatewaySettings(
            adminToken: Self.adminToken, dataDirectory: self.dataDirectory,
            pluginsDirectory: self.dataDirectory, enabledPlugins: enabled, allowPrivateURLs: allowPrivateURLs,
            pluginReplyTimeout: timeout)
        if let whatsApp { settings.whatsApp = whatsApp }
        gateway = try Gateway(
            settings: settings, logger: logger, pluginFiles: try Self.privateCopies(plugins, in: self.dataDirectory),
            extraRoutes: extraRoutes)
    }

    /// The same data folder opened again, as after a restart.
    func restarted(plugins: [String] = []) throws -> TestGateway {
        try TestGateway(plugins: plugins, dataDirectory: dataDirectory)
    }

    /// A library is loaded once per process, path by path, and keeps its globals (such as the
    /// host table) for good; tests run in parallel, so each gateway loads its own copies.
    static func privateCopies(_ plugins: [String], in directory: URL) throws -> [String] {
        let folder = directory.appendingPathComponent("plugins-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try plugins.map { path in
            let copy = folder.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
            try FileManager.default.copyItem(atPath: path, toPath: copy.path)
            return copy.path
        }
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("wago-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `body` against the gateway in-process or on a real socket.
    func test(_ mode: TestingSetup, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await gateway.application().test(mode, body)
    }
}

/// Both ways every REST test runs: in-process through the router and over a live socket.
let testModes: [TestingSetup] = [.router, .live]

/// A parsed WaGo envelope.
struct EnvelopeBody {
    let status: HTTPResponse.Status
    let object: [String: Any]

    var code: Int? { object["code"] as? Int }
    var success: Bool? { object["success"] as? Bool }
    var error: String? { object["error"] as? String }
    var data: [String: Any]? { object["data"] as? [String: Any] }
    var dataArray: [[String: Any]]? { object["data"] as? [[String: Any]] }
}

extension TestClientProtocol {
    /// Sends a request and parses the envelope it answers, checking that `code` mirrors the
    /// HTTP status as WaGo's does.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, token: String? = nil, admin: String? = nil,
        json: String? = nil
    ) async throws -> EnvelopeBody {
        var headers = HTTPFields()
        if let token { headers[HTTPField.Name("token")!] = token }
        if let admin { headers[HTTPField.Name("admintoken")!] = admin }
        if json != nil { headers[.contentType] = "application/json" }
        return try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        ) { response in
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any],
                "the body is a JSON object: \(String(buffer: response.body))")
            let envelope = EnvelopeBody(status: response.status, object: object)
            #expect(envelope.code == response.status.code)
            #expect(envelope.success == (response.status.code < 400))
            return envelope
        }
    }
}
