import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import NIOCore
import Testing
import WAClient
import WATransport
import WagoSandbox
import WagoStore
@testable import WagoServer

/// A sandbox and a gateway pointed at it, the sandbox's control API mounted on the gateway.
struct LinkingWorld {
    let sandboxServer: SandboxServer
    let gateway: TestGateway
    let configuration: ClientConfiguration

    /// - Parameters:
    ///   - allowPrivateURLs: lets webhooks point at a receiver on loopback.
    ///   - answersLogout: false makes the sandbox drop a logging-out companion's connection
    ///     instead of answering.
    static func run(
        pairing: PairingTiming = PairingTiming(), plugins: [String] = [], allowPrivateURLs: Bool = false,
        answersLogout: Bool = true, _ body: (LinkingWorld) async throws -> Void
    ) async throws {
        let directory = TestGateway.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "sandbox.test")
        logger.logLevel = .critical
        let sandbox = try SandboxServer(
            configuration: SandboxConfiguration(
                port: 0, dataDirectory: directory.appendingPathComponent("sandbox"), adminToken: TestGateway.adminToken,
                hangUpDelay: .milliseconds(300), answersLogout: answersLogout),
            logger: logger)
        try await sandbox.withRunning { info in
            var socket = WhatsAppSocketSettings(url: info.url, rootKey: sandbox.rootPublicKey)
            socket.reconnect = ReconnectBackoff(initialDelay: .milliseconds(100), maxDelay: .milliseconds(500))
            let configuration = ClientConfiguration(socket: socket, pairing: pairing)
            let gateway = try TestGateway(
                plugins: plugins, dataDirectory: directory.appendingPathComponent("gateway"), whatsApp: configuration,
                allowPrivateURLs: allowPrivateURLs, extraRoutes: { sandbox.addControlRoutes(to: $0) })
            try await body(LinkingWorld(sandboxServer: sandbox, gateway: gateway, configuration: configuration))
        }
    }

    /// The gateway opened again on the same data folder, still pointed at the sandbox.
    func restartedGateway() throws -> TestGateway {
        try TestGateway(
            dataDirectory: gateway.dataDirectory, whatsApp: configuration,
            extraRoutes: { sandboxServer.addControlRoutes(to: $0) })
    }

    /// Calls the sandbox's control API (plain JSON, not WaGo's envelope) with the admin token.
    func sandbox(_ method: HTTPRequest.Method, _ uri: String, _ json: String?) async throws -> (
        status: HTTPResponse.Status, object: [String: Any]
    ) {
        try await gateway.gateway.application().test(.router) { client in
            var headers: HTTPFields = [HTTPField.Name("admintoken")!: TestGateway.adminToken]
            if json != nil { headers[.contentType] = "application/json" }
            return try await client.execute(
                uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
            ) { response in
                let object = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
                return (response.status, object ?? [:])
            }
        }
    }
}

extension LinkingWorld {
    /// Virtual accounts, (phone, push name) each.
    func createAccounts(_ accounts: [(phone: String, pushName: String)]) async throws {
        for account in accounts {
            let created = try await sandbox(
                .post, "/sandbox/accounts", #"{"Phone":"\#(account.phone)","PushName":"\#(account.pushName)"}"#)
            #expect(created.status == .ok, "\(created.object)")
        }
    }

    /// A new session linked by QR to the account of `phone`, logged in, through REST only;
    /// subscribed to `subscribe` and posting to `webhook` (when given) before it links.
    func linkSession(
        named name: String, token: String, to phone: String, on client: some TestClientProtocol,
        subscribe: [String] = [], webhook: String? = nil
    ) async throws {
        _ = try await client.call(
            .post, "/session/init", admin: TestGateway.adminToken, json: #"{"Name":"\#(name)","Token":"\#(token)"}"#)
        if let webhook {
            let set = try await client.call(.post, "/webhook", token: token, json: #"{"WebhookURL":"\#(webhook)"}"#)
            #expect(set.status == .ok, "\(set.object)")
        }
        let events = subscribe.map { #""\#($0)""# }.joined(separator: ",")
        _ = try await client.call(
            .post, "/session/connect", token: token, json: #"{"Subscribe":[\#(events)],"Immediate":false}"#)
        let qr = try await client.call(.get, "/session/qr", token: token)
        let text = try #require(qr.data?["QRText"] as? String)
        _ = try await sandbox(.post, "/sandbox/link", #"{"Phone":"\#(phone)","QR":"\#(text)"}"#)
        _ = try await client.waitForStatus(token: token) { $0["LoggedIn"] as? Bool == true }
    }

    /// The session named `name` and its client.
    func session(named name: String) async throws -> (record: SessionRecord, client: WhatsAppClient) {
        let record = try #require(gateway.gateway.sessions.all.first { $0.name == name })
        return (record, try #require(await gateway.gateway.clients.client(of: record)))
    }

    /// New sessions linked (through REST, token "tok-<name>") to the accounts of the given
    /// phones, with their clients, in order; each posts the `subscribe` events to `webhook`.
    func linkedSessions(
        _ names: [(name: String, phone: String)], subscribe: [String] = [], webhook: String? = nil
    ) async throws -> [(record: SessionRecord, client: WhatsAppClient)] {
        try await gateway.test(.router) { client async throws in
            for (name, phone) in names {
                try await linkSession(
                    named: name, token: "tok-\(name)", to: phone, on: client, subscribe: subscribe, webhook: webhook)
            }
        }
        var sessions: [(record: SessionRecord, client: WhatsAppClient)] = []
        for (name, _) in names { sessions.append(try await session(named: name)) }
        return sessions
    }

    /// What `phone` received, once it holds at least `count` messages (at most 15 s).
    func waitForMessages(of phone: String, count: Int) async throws -> [[String: Any]] {
        var messages: [[String: Any]] = []
        try await waitUntil {
            let reply = try await sandbox(.get, "/sandbox/messages?Phone=\(phone)", nil)
            messages = reply.object["Messages"] as? [[String: Any]] ?? []
            return messages.count >= count
        }
        return messages
    }

    /// Runs `body` while the gateway's webhook dispatcher posts what the outbox holds.
    func deliveringWebhooks<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        let dispatching = Task { await gateway.gateway.webhooks.run() }
        defer { dispatching.cancel() }
        return try await body()
    }

    /// Polls `condition` every 100 ms for at most 15 s; records an issue when it never holds.
    func waitUntil(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while try await !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("the condition never held")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
