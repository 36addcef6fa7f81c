import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import WABinary
import WAClient
import WATransport
import WagoSandbox
import WagoServer

/// A gateway as `WAGO_SANDBOX=1 wago serve` runs it, in this process on real sockets: the
/// sandbox on its own loopback port, its control API mounted on the gateway's port, the
/// messaging plugin loaded from its `.so`. Or, with the sandbox apart, a gateway as `wago serve`
/// runs against `wago sandbox`: the sandbox in its own process, its control API on its own
/// port. Everything the benchmark does goes through REST.
struct BenchmarkWorld: Sendable {
    static let adminToken = "bench-admin-token"

    struct RequestFailed: Error, CustomStringConvertible {
        let description: String
    }

    /// The gateway's port.
    let port: Int
    /// Where `/sandbox/...` requests go: the gateway's port, or the sandbox process's.
    let sandboxPort: Int
    /// The sandbox's process when it runs apart.
    let sandboxPID: Int32?

    /// Starts the sandbox (queueing up to `offlineQueueLimit` stanzas per offline device), in
    /// this process or `apart`, and the gateway on a fresh data folder, runs `body`, and stops both.
    static func run<Result: Sendable>(
        plugin: String, offlineQueueLimit: Int, sandboxApart: Bool,
        _ body: @Sendable (BenchmarkWorld) async throws -> Result
    ) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let logger = Self.logger(label: "wago.bench")
        let limit = max(1000, offlineQueueLimit)
        let sandboxDirectory = directory.appendingPathComponent("sandbox")
        let gateway = (plugin: plugin, directory: directory.appendingPathComponent("gateway"), logger: logger)
        if sandboxApart {
            let sandbox = try SandboxProcess.start(
                directory: sandboxDirectory, adminToken: adminToken, offlineQueueLimit: limit)
            defer { sandbox.stop() }
            return try await withGateway(
                gateway, on: sandbox.info, rootKey: try Hex.bytes(sandbox.info.rootPublicKey), controlRoutes: { _ in }
            ) { port in
                try await body(BenchmarkWorld(port: port, sandboxPort: sandbox.port, sandboxPID: sandbox.pid))
            }
        }
        let sandbox = try SandboxServer(
            configuration: SandboxConfiguration(
                host: "127.0.0.1", port: 0, dataDirectory: sandboxDirectory, adminToken: adminToken,
                offlineQueueLimit: limit),
            logger: logger)
        return try await sandbox.withRunning { info in
            try await withGateway(
                gateway, on: info, rootKey: sandbox.rootPublicKey, controlRoutes: { sandbox.addControlRoutes(to: $0) }
            ) { port in
                try await body(BenchmarkWorld(port: port, sandboxPort: port, sandboxPID: nil))
            }
        }
    }

    /// Errors only, unless WAGO_BENCH_LOG=warning (or info, debug) asks to see what the gateway
    /// and the sandbox log.
    static func logger(label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = ProcessInfo.processInfo.environment["WAGO_BENCH_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        return logger
    }

    /// Serves the gateway, chatting with the sandbox at `sandbox` (pinned to `rootKey`), until
    /// `body`, given the gateway's port, returns.
    private static func withGateway<Result: Sendable>(
        _ gateway: (plugin: String, directory: URL, logger: Logger), on sandbox: SandboxInfo, rootKey: [UInt8],
        controlRoutes: (Router<BasicRequestContext>) -> Void, _ body: (Int) async throws -> Result
    ) async throws -> Result {
        let port = try await freePort()
        let settings = GatewaySettings(
            adminToken: adminToken, host: "127.0.0.1", port: port, dataDirectory: gateway.directory,
            pluginsDirectory: gateway.directory, allowPrivateURLs: true,
            whatsApp: ClientConfiguration(socket: WhatsAppSocketSettings(url: sandbox.url, rootKey: rootKey)))
        let server = try Gateway(
            settings: settings, logger: gateway.logger, pluginFiles: [gateway.plugin], extraRoutes: controlRoutes)
        if let refusal = server.plugins.refused.first { throw refusal }
        let serving = Task { try await server.run() }
        defer { serving.cancel() }
        try await waitUntilServing(port: port)
        return try await body(port)
    }

    /// A port nothing listens on now: bound once by the kernel's choice, then released.
    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        defer { channel.close(promise: nil) }
        guard let port = channel.localAddress?.port else { throw RequestFailed(description: "no free port") }
        return port
    }

    private static func waitUntilServing(port: Int) async throws {
        for _ in 0..<100 {
            if let ok = try? await HTTPConnection.with(port: port, { try await $0.request(.GET, "/server/ok") }),
                ok.status == 200
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RequestFailed(description: "the gateway never answered /server/ok")
    }

    // MARK: Setup through REST

    /// A virtual account in the sandbox: its phone, with no companion yet.
    func createAccount(phone: String, pushName: String) async throws {
        try await call(
            .POST, "/sandbox/accounts", admin: true, json: #"{"Phone":"\#(phone)","PushName":"\#(pushName)"}"#)
    }

    /// A new session linked by QR to the account of `phone`, subscribed to `Message`, logged in.
    func linkSession(name: String, token: String, phone: String) async throws {
        try await call(.POST, "/session/init", admin: true, json: #"{"Name":"\#(name)","Token":"\#(token)"}"#)
        try await connect(token: token)
        let qr = try await call(.GET, "/session/qr", token: token)
        guard let text = (qr["data"] as? [String: Any])?["QRText"] as? String else {
            throw RequestFailed(description: "no QRText for \(name): \(qr)")
        }
        try await call(.POST, "/sandbox/link", admin: true, json: #"{"Phone":"\#(phone)","QR":"\#(text)"}"#)
        try await waitForStatus(token: token) { $0.loggedIn }
    }

    /// Connects the session of `token`, subscribed to `Message`.
    func connect(token: String) async throws {
        try await call(.POST, "/session/connect", token: token, json: #"{"Subscribe":["Message"],"Immediate":false}"#)
    }

    /// Waits up to 15 s until the session's `/session/status` satisfies `isReached`.
    func waitForStatus(token: String, until isReached: (_ status: (connected: Bool, loggedIn: Bool)) -> Bool)
        async throws
    {
        for _ in 0..<300 {
            let data = try await call(.GET, "/session/status", token: token)["data"] as? [String: Any]
            let status = (connected: data?["Connected"] as? Bool == true, loggedIn: data?["LoggedIn"] as? Bool == true)
            if isReached(status) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw RequestFailed(description: "a session never reached the awaited status")
    }

    /// Points the session's webhook at `url`, posting plain JSON.
    func setWebhook(token: String, url: String) async throws {
        try await call(.POST, "/webhook", token: token, json: #"{"WebhookURL":"\#(url)","Format":"json"}"#)
    }

    /// One request on a fresh connection; a status other than 200 is an error.
    @discardableResult
    func call(_ method: HTTPMethod, _ uri: String, token: String? = nil, admin: Bool = false, json: String? = nil)
        async throws -> [String: Any]
    {
        var headers: [(String, String)] = []
        if let token { headers.append(("token", token)) }
        if admin { headers.append(("admintoken", Self.adminToken)) }
        let reply = try await HTTPConnection.with(port: uri.hasPrefix("/sandbox/") ? sandboxPort : port) {
            try await $0.request(method, uri, headers: headers, json: json)
        }
        let body = Data(reply.body.readableBytesView)
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
        guard reply.status == 200 else {
            throw RequestFailed(description: "\(method) \(uri) answered \(reply.status): \(String(buffer: reply.body))")
        }
        return object
    }
}
