import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import WagoSandbox

/// Crash safety of the inbound path: `wago serve` runs as a child process pointed at a sandbox
/// in this process, is killed with SIGKILL while a virtual phone streams messages to its session,
/// and is started again on the same data folder. Every message must reach the webhook, and a
/// message delivered twice must carry the same `X-Wago-Event-Id` both times, so receivers can
/// drop the copy.
@Suite("Durability across a crash", .serialized)
struct DurabilityTests {
    static let messageCount = 1000
    /// The gateway is killed once the receiver has seen this many deliveries.
    static let killAfter = 150

    @Test("SIGKILL mid-stream: after a restart every message reaches the webhook, copies with the same event id",
          .timeLimit(.minutes(3)))
    func killedMidStream() async throws {
        let directory = TestGateway.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "sandbox.durability")
        logger.logLevel = .critical
        let sandbox = try SandboxServer(
            configuration: SandboxConfiguration(
                port: 0, dataDirectory: directory.appendingPathComponent("sandbox"),
                adminToken: TestGateway.adminToken, offlineQueueLimit: Self.messageCount),
            logger: logger)
        let receiver = try await WebhookReceiver()
        try await sandbox.withRunning { info in
            let sandboxPort = try #require(URL(string: info.url)?.port)
            let (ana, bia) = ("5511999990091", "5511999990092")
            for (phone, name) in [(ana, "Ana"), (bia, "Bia")] {
                _ = try await Self.sandboxCall(
                    port: sandboxPort, "/sandbox/accounts", #"{"Phone":"\#(phone)","PushName":"\#(name)"}"#)
            }
            let gateway = try await ChildGateway.start(
                directory: directory.appendingPathComponent("gateway"), sandbox: info,
                rootKey: sandbox.rootPublicKey, log: directory.appendingPathComponent("gateway-1.log"))
            defer { gateway.crash() }
            try await LiveClient.with(port: gateway.port) { client in
                _ = try await client.call(
                    .post, "/session/init", admin: TestGateway.adminToken, json: #"{"Name":"ana","Token":"tok-ana"}"#)
                _ = try await client.call(
                    .post, "/session/connect", token: "tok-ana", json: #"{"Subscribe":["Message"],"Immediate":false}"#)
                let qr = try await client.call(.get, "/session/qr", token: "tok-ana")
                let text = try #require(qr.data?["QRText"] as? String)
                _ = try await Self.sandboxCall(port: sandboxPort, "/sandbox/link", #"{"Phone":"\#(ana)","QR":"\#(text)"}"#)
                _ = try await client.waitForStatus(token: "tok-ana") { $0["LoggedIn"] as? Bool == true }
                let hook = try await client.call(
                    .post, "/webhook", token: "tok-ana", json: #"{"WebhookURL":"\#(receiver.url)","Format":"json"}"#)
                #expect(hook.status == .ok, "\(hook.object)")
            }

            // Bia's phone streams; the gateway dies mid-stream; the phone keeps sending while it is
            // down, as a phone would, and the sandbox queues for the companion.
            let stream = Task {
                var ids: [String] = []
                for number in 0..<Self.messageCount {
                    let sent = try await Self.sandboxCall(
                        port: sandboxPort, "/sandbox/send",
                        #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":{"conversation":"m\#(number)"}}"#)
                    ids.append(try #require(sent["ID"] as? String))
                }
                return ids
            }
            try await Self.waitUntil(seconds: 30) { receiver.received.count >= Self.killAfter }
            gateway.crash()
            let deliveredBeforeCrash = receiver.received.count
            #expect(deliveredBeforeCrash < Self.messageCount, "the crash came mid-stream")
            let restarted = try await ChildGateway.start(
                directory: directory.appendingPathComponent("gateway"), sandbox: info,
                rootKey: sandbox.rootPublicKey, log: directory.appendingPathComponent("gateway-2.log"))
            defer { restarted.crash() }
            let sentIDs = Set(try await stream.value)
            #expect(sentIDs.count == Self.messageCount)

            try await Self.waitUntil(seconds: 90) {
                Set(receiver.received.compactMap(Self.messageID)).isSuperset(of: sentIDs)
            }
            let deliveries = receiver.received
            let missing = sentIDs.subtracting(Set(deliveries.compactMap(Self.messageID)))
            #expect(
                missing.isEmpty,
                "\(missing.count) messages never reached the webhook (\(deliveredBeforeCrash) before the crash)")
            var eventIDs: [String: Set<String>] = [:]
            for delivery in deliveries {
                guard let id = Self.messageID(delivery) else { continue }
                eventIDs[id, default: []].insert(delivery.header("X-Wago-Event-Id") ?? "")
            }
            let copiesWithNewIDs = eventIDs.filter { $0.value.count > 1 }
            #expect(
                copiesWithNewIDs.isEmpty,
                "\(copiesWithNewIDs.count) messages were delivered again under a new X-Wago-Event-Id")
        }
        await receiver.stop()
    }

    /// The message id (`event.Info.ID`) of a JSON-format Message delivery.
    static func messageID(_ delivery: WebhookReceiver.Received) -> String? {
        let object = try? JSONSerialization.jsonObject(with: delivery.body) as? [String: Any]
        return ((object?["event"] as? [String: Any])?["Info"] as? [String: Any])?["ID"] as? String
    }

    /// A control call on the sandbox's own port; its answer must be 200.
    static func sandboxCall(port: Int, _ uri: String, _ json: String) async throws -> [String: Any] {
        let response = try await LiveClient.with(port: port) { client in
            try await client.request(
                .post, uri, headers: [HTTPField.Name("admintoken")!: TestGateway.adminToken], json: json)
        }
        let body = response.body ?? ByteBuffer()
        #expect(response.head.status == .ok, "\(uri): \(String(buffer: body))")
        return (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    static func waitUntil(seconds: Int, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

/// `wago serve` (the executable beside the test bundle) as a child process on a free port.
struct ChildGateway {
    let process: Process
    let port: Int

    struct DidNotStart: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts it on `directory`, pointed at the sandbox, and returns once it answers.
    static func start(directory: URL, sandbox: SandboxInfo, rootKey: [UInt8], log: URL) async throws -> ChildGateway {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let executable = try #require(
            [products, products.deletingLastPathComponent()].map { $0.appendingPathComponent("wago").path }
                .first { FileManager.default.isExecutableFile(atPath: $0) },
            "the wago executable near \(products.path)")
        // A port the kernel just handed out and that nothing holds now.
        let probe = try await WebhookReceiver()
        let port = probe.port
        await probe.stop()
        let plugins = directory.appendingPathComponent("no-plugins")
        try FileManager.default.createDirectory(at: plugins, withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw DidNotStart(description: "cannot create \(log.path)")
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve"]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "WAGO_ADMIN_TOKEN": TestGateway.adminToken, "WAGO_HOST": "127.0.0.1", "WAGO_PORT": String(port),
            "WAGO_DATA_DIR": directory.path, "WAGO_PLUGINS_DIR": plugins.path, "WAGO_WA_URL": sandbox.url,
            "WAGO_WA_ROOT_KEY": rootKey.map { String(format: "%02x", $0) }.joined(),
            "WAGO_ALLOW_PRIVATE_URLS": "1", "WAGO_LOG_LEVEL": "warning",
        ]) { $1 }
        let output = try FileHandle(forWritingTo: log)
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let gateway = ChildGateway(process: process, port: port)
        for _ in 0..<200 {
            let ok = try? await LiveClient.with(port: port) { try await $0.request(.get, "/server/ok") }
            if ok?.head.status == .ok { return gateway }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        gateway.crash()
        throw DidNotStart(description: "wago serve did not answer on port \(port); see \(log.path)")
    }

    /// SIGKILL: no shutdown, no flush; what is on disk is all the next start has.
    func crash() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// HummingbirdTesting's client on one live connection to 127.0.0.1.
struct LiveClient: Sendable {
    let client: TestClient

    static func with<Value>(port: Int, _ body: @escaping @Sendable (LiveClient) async throws -> Value)
        async throws -> Value
    {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { try await body(LiveClient(client: $0)) }
    }

    func request(_ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], json: String? = nil)
        async throws -> TestClient.Response
    {
        var headers = headers
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            TestClient.Request(
                uri, method: method, authority: "127.0.0.1", headers: headers, body: json.map { ByteBuffer(string: $0) }))
    }

    /// A gateway call, its WaGo envelope parsed.
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, admin: String? = nil, json: String? = nil)
        async throws -> EnvelopeBody
    {
        var headers = HTTPFields()
        if let token { headers[HTTPField.Name("token")!] = token }
        if let admin { headers[HTTPField.Name("admintoken")!] = admin }
        let response = try await request(method, uri, headers: headers, json: json)
        let body = response.body ?? ByteBuffer()
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            "\(uri) answers a JSON object: \(String(buffer: body))")
        return EnvelopeBody(status: response.head.status, object: object)
    }

    /// Polls `/session/status` until `condition` holds (at most 15 s) and returns its data.
    func waitForStatus(token: String, _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            let data = try #require(try await call(.get, "/session/status", token: token).data)
            if condition(data) { return data }
            guard ContinuousClock.now < deadline else {
                Issue.record("status never reached the expected state: \(data)")
                return data
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
