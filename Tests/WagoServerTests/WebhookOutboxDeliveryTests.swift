import Foundation
import GRDB
import Logging
import Testing
import WagoHTTPClient
import WagoPluginABI
import WagoStore
@testable import WagoServer

/// How the dispatcher moves a backlog: each session's rows in batches, posted in order over
/// kept-alive connections; and plugins' `emit_event`, which stores its row before returning.
@Suite struct WebhookOutboxDeliveryTests {
    @Test("a backlog of several batches per session arrives once per event, each session in order")
    func backlogArrivesInOrderPerSession() async throws {
        let receiver = try await WebhookReceiver()
        let gateway = try WebhookOutboxTests.gateway(delivery: WebhookOutboxTests.fastRetries)
        var sessions: [SessionRecord] = []
        for _ in 0..<3 {
            sessions.append(try await WebhookOutboxTests.session(on: gateway, subscribe: ["All"], webhook: receiver.url))
        }
        let perSession = WebhookDispatcher.batchSize * 2 + 7
        for n in 1...perSession {
            for session in sessions {
                try await gateway.events.emit(session: session.id, type: "Message", json: #"{"n":\#(n)}"#)
            }
        }
        try await WebhookOutboxTests.deliver(on: gateway) {
            try await gateway.webhooks.outbox.counts() == [.pending: 0, .dead: 0]
        }
        let received = receiver.received
        let ids = received.compactMap { $0.header("X-Wago-Event-Id") }
        #expect(ids.count == perSession * sessions.count && Set(ids).count == ids.count)
        for session in sessions {
            let bodies = received.filter { Self.token(of: $0) == session.token }
                .compactMap { WebhookOutboxTests.formFields($0.body)?.first?.1 }
            #expect(bodies == (1...perSession).map { #"{"event":{"n":\#($0)},"type":"Message"}"# })
        }
        await receiver.stop()
    }

    /// The receiver restarts between two events: the connection kept from the first is closed,
    /// and the second goes on a fresh one at its first attempt (one attempt allowed).
    @Test("a post after the receiver dropped the kept-alive connection goes on a fresh one")
    func closedConnectionIsReplaced() async throws {
        let first = try await WebhookReceiver()
        let gateway = try WebhookOutboxTests.gateway(delivery: WebhookDeliverySettings(maxAttempts: 1))
        let session = try await WebhookOutboxTests.session(on: gateway, subscribe: ["All"], webhook: first.url)
        let dispatching = Task { await gateway.webhooks.run() }
        defer { dispatching.cancel() }
        try await gateway.events.emit(session: session.id, type: "Message", json: #"{"n":1}"#)
        try await WebhookOutboxTests.eventually { first.received.count == 1 }
        await first.stop()

        let second = try await WebhookReceiver(port: first.port)
        try await gateway.events.emit(session: session.id, type: "Message", json: #"{"n":2}"#)
        try await WebhookOutboxTests.eventually { try await gateway.webhooks.outbox.counts()[.pending] == 0 }
        #expect(try await gateway.webhooks.outbox.counts()[.dead] == 0, "the post did not fail")
        #expect(second.received.compactMap { WebhookOutboxTests.formFields($0.body)?.first?.1 } == [
            #"{"event":{"n":2},"type":"Message"}"#
        ])
        await second.stop()
    }

    @Test("a kept-alive connection carries one request after another")
    func keptAliveConnectionCarriesManyRequests() async throws {
        let receiver = try await WebhookReceiver()
        let client = try HTTPClient()
        let url = try #require(URL(string: receiver.url))
        let connection = try await client.connection(to: url)
        for n in 1...3 {
            let request = HTTPClientRequest(method: .post, url: url, headers: [], body: Array("\(n)".utf8))
            #expect(try await connection.send(request, responseBodyLimit: 0).status == 200)
            #expect(connection.isReusable)
        }
        #expect(receiver.received.map { String(decoding: $0.body, as: UTF8.self) } == ["1", "2", "3"])
        connection.close()
        await receiver.stop()
    }

    /// `emit_event` is a synchronous C call, here made on a cooperative thread as plugins do.
    @Test("emit_event stores the event's row before it returns, and returns an error when it cannot")
    func pluginEmitIsDurable() async throws {
        let gateway = try WebhookOutboxTests.gateway()
        let session = try await WebhookOutboxTests.session(
            on: gateway, subscribe: ["All"], webhook: "http://127.0.0.1:9/hook")
        let values = PluginValueStore(
            database: try WagoDatabase(
                dataDirectory: TestGateway.temporaryDirectory(), secrets: SecretBox(masterKey: .init(size: .bits256))))
        let services = PluginServices(
            sessions: gateway.sessions, clients: gateway.clients, values: values, events: gateway.events,
            logger: Logger(label: "test"), fetcher: try URLFetcher(urlPolicy: OutboundURLPolicy(allowPrivateAddresses: false)))
        let api = HostAPI.makeTable(for: PluginContext(plugin: "p", services: services)).pointee
        let emit = { (json: String) in
            session.id.withBorrowedStr { id in
                "Custom".withBorrowedStr { type in json.withBorrowedStr { api.emit_event(api.host, id, type, $0) } }
            }
        }
        let outbox = gateway.webhooks.outbox

        #expect(emit(#"{"n":1}"#) == WAGO_OK)
        #expect(try await outbox.counts()[.pending] == 1, "the row was stored when emit_event returned")

        let file = try DatabaseQueue(path: gateway.settings.dataDirectory.appendingPathComponent("wago.sqlite").path)
        try await file.write { db in
            try db.execute(sql: """
                CREATE TRIGGER outboxDown BEFORE INSERT ON webhookOutbox
                BEGIN SELECT RAISE(ABORT, 'the outbox is down'); END
                """)
        }
        #expect(emit(#"{"n":2}"#) == WAGO_ERR_INTERNAL)
        try await file.write { db in try db.execute(sql: "DROP TRIGGER outboxDown") }
        #expect(emit(#"{"n":3}"#) == WAGO_OK)

        let pending = try await outbox.pending(session: session.id, limit: 10)
        #expect(pending.map(\.payload) == [#"{"event":{"n":1},"type":"Custom"}"#, #"{"event":{"n":3},"type":"Custom"}"#])
    }

    /// The session token a form delivery carries.
    static func token(of received: WebhookReceiver.Received) -> String? {
        WebhookOutboxTests.formFields(received.body)?.first { $0.0 == "token" }?.1
    }
}
