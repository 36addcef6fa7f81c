import Crypto
import Foundation
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import WagoStore
import WagoTestSupport
@testable import WagoServer

/// Webhook delivery against a real receiver on loopback: WaGo's form and the JSON mode, the
/// signature, the Subscribe filter, retries, restarts and the dead-letter admin routes.
@Suite struct WebhookOutboxTests {
    /// Fast retries, so a test sees many attempts in well under a second.
    static let fastRetries = WebhookDeliverySettings(
        maxAttempts: 1000, initialBackoff: .milliseconds(10), maxBackoff: .milliseconds(50))

    @Test func formDeliveryCarriesWaGoFieldsAndSignature() async throws {
        let receiver = try await WebhookReceiver()
        let gateway = try Self.gateway()
        let session = try await Self.session(on: gateway, subscribe: ["All"], webhook: receiver.url)
        let cases = try Self.postedVectors()
        // Most are wrapped by the bus; some carry extras (state, decryptVote) in their payload.
        try #require(cases.filter { $0.payload == nil }.count >= 5 && cases.contains { $0.payload != nil })
        for vector in cases {
            try await gateway.events.emit(session: session.id, type: vector.type, json: vector.event, payload: vector.payload)
        }

        try await Self.deliver(on: gateway) { receiver.received.count == cases.count }

        let secret = try await Self.webhookSettings(of: session, on: gateway)["Secret"] ?? ""
        #expect(secret.count == 64)
        var ids = Set<String>()
        for (vector, request) in zip(cases, receiver.received) {
            #expect(request.header("Content-Type") == "application/x-www-form-urlencoded")
            let fields = try #require(Self.formFields(request.body))
            #expect(fields.map(\.0) == ["jsonData", "token"])
            #expect(fields.first?.1 == vector.jsonData, "\(vector.id): jsonData is wuzapi's exact bytes")
            #expect(fields.last?.1 == session.token)
            #expect(request.header("X-Wago-Event-Type") == vector.type)
            let id = try #require(request.header("X-Wago-Event-Id"))
            #expect(UUID(uuidString: id) != nil)
            ids.insert(id)
            #expect(request.header("X-Hmac-Signature") == Self.hmac(request.body, secret: secret))
        }
        #expect(ids.count == cases.count)
        await receiver.stop()
    }

    @Test func jsonModePostsTheObjectItself() async throws {
        let receiver = try await WebhookReceiver()
        let gateway = try Self.gateway()
        let session = try await Self.session(on: gateway, subscribe: ["Message"], webhook: receiver.url, format: "json")
        let settings = try await Self.webhookSettings(of: session, on: gateway)
        #expect(settings["Format"] == "json")
        #expect(settings["webhook"] == receiver.url)
        let vector = try #require(Self.postedVectors().first { $0.type == "Message" && $0.payload == nil })
        try await gateway.events.emit(session: session.id, type: "Message", json: vector.event)

        try await Self.deliver(on: gateway) { receiver.received.count == 1 }

        let request = try #require(receiver.received.first)
        #expect(request.header("Content-Type") == "application/json")
        #expect(String(decoding: request.body, as: UTF8.self) == vector.jsonData)
        #expect(request.header("X-Hmac-Signature") == Self.hmac(request.body, secret: settings["Secret"] ?? ""))
        await receiver.stop()
    }

    @Test func webhookFormatIsValidatedAndTheSecretKept() async throws {
        let gateway = try Self.gateway()
        let session = try await Self.session(on: gateway, subscribe: [], webhook: "http://127.0.0.1:9/a")
        let first = try await Self.webhookSettings(of: session, on: gateway)["Secret"]
        #expect(first?.count == 64)
        try await gateway.application().test(.router) { client in
            let refused = try await client.call(
                .post, "/webhook", token: session.token, json: #"{"WebhookURL":"http://127.0.0.1:9/b","Format":"xml"}"#)
            #expect(refused.status == .badRequest)
            #expect(refused.error?.contains("Format") == true)
            let changed = try await client.call(
                .post, "/webhook", token: session.token, json: #"{"WebhookURL":"http://127.0.0.1:9/b"}"#)
            #expect(changed.status == .ok)
        }
        let second = try await Self.webhookSettings(of: session, on: gateway)
        #expect(second["Secret"] == first)
        #expect(second["Format"] == "form")
        #expect(second["webhook"] == "http://127.0.0.1:9/b")
    }

    @Test func subscribeSelectsWhatIsQueued() async throws {
        let receiver = try await WebhookReceiver()
        let gateway = try Self.gateway()
        let receipts = try await Self.session(on: gateway, subscribe: ["ReadReceipt"], webhook: receiver.url)
        // wuzapi posts nothing for an empty Subscribe list, nor without a URL.
        let nothing = try await Self.session(on: gateway, subscribe: [], webhook: receiver.url)
        let noURL = try await Self.session(on: gateway, subscribe: ["All"], webhook: nil)
        for session in [receipts, nothing, noURL] {
            try await gateway.events.emit(session: session.id, type: "Message", json: "{}")
            try await gateway.events.emit(session: session.id, type: "ReadReceipt", json: #"{"n":1}"#)
        }
        // Enqueueing is awaited: the outbox already holds everything that will be sent.
        #expect(try await gateway.webhooks.outbox.counts() == [.pending: 1, .dead: 0])

        try await Self.deliver(on: gateway) { try await gateway.webhooks.outbox.counts() == [.pending: 0, .dead: 0] }
        #expect(receiver.received.map { $0.header("X-Wago-Event-Type") } == ["ReadReceipt"])
        await receiver.stop()
    }

    /// Plugins emit JSON nothing checked before; the core's events are `GoJSONWriter`'s.
    @Test func pluginEventJSONThatDoesNotParseIsDroppedAndLogged() async throws {
        let log = RecordingLogHandler.Record()
        let gateway = try Self.gateway(logger: RecordingLogHandler.logger(recordingTo: log))
        let session = try await Self.session(on: gateway, subscribe: ["All"], webhook: "http://127.0.0.1:9/hook")
        for json in [#"{"unterminated"#, #"{"n":1,}"#, "", #"{"n":1} {"n":2}"#] {
            try gateway.events.emitFromPlugin(session: session.id, type: "Custom", json: json)
        }
        #expect(try await gateway.webhooks.outbox.counts()[.pending] == 0)
        let dropped = log.messages.filter { $0.message == "dropped an event whose JSON does not parse" }
        #expect(dropped.count == 4 && dropped.allSatisfy { $0.level == .error })

        try gateway.events.emitFromPlugin(session: session.id, type: "Custom", json: #"{"n":[1,2.5e3,"\u00e9"]}"#)
        let pending = try await gateway.webhooks.outbox.pending(session: session.id, limit: 10)
        #expect(pending.map(\.payload) == [#"{"event":{"n":[1,2.5e3,"\u00e9"]},"type":"Custom"}"#])
    }

    @Test func retriesUntilTheReceiverComesBackInOrder() async throws {
        let first = try await WebhookReceiver()
        let port = first.port
        await first.stop()
        let gateway = try Self.gateway(delivery: Self.fastRetries)
        let session = try await Self.session(on: gateway, subscribe: ["All"], webhook: first.url)
        for n in 1...3 { try await gateway.events.emit(session: session.id, type: "Message", json: #"{"n":\#(n)}"#) }

        let dispatching = Task { await gateway.webhooks.run() }
        defer { dispatching.cancel() }
        try await Self.eventually {
            let head = try await gateway.webhooks.outbox.heads().first
            return (head?.attempts ?? 0) >= 3 && head?.lastError.isEmpty == false
        }
        // Only the session's oldest event is tried while the receiver is down.
        #expect(try await gateway.webhooks.outbox.heads().count == 1)

        let receiver = try await WebhookReceiver(port: port)
        try await Self.eventually { try await gateway.webhooks.outbox.counts() == [.pending: 0, .dead: 0] }
        let bodies = try receiver.received.map { try #require(Self.formFields($0.body)?.first?.1) }
        #expect(bodies == (1...3).map { #"{"event":{"n":\#($0)},"type":"Message"}"# })
        await receiver.stop()
    }

    /// The receiver is down for a whole minute while events keep coming; once it is back every
    /// event arrives, in order, once per event id. The default schedule (1 s doubling up to ten
    /// minutes, 12 attempts) would leave the head waiting up to about two minutes after the
    /// return; this session caps the backoff at 5 s, which takes more attempts than 12 to
    /// span the outage, so the cap comes with a higher `maxAttempts`.
    @Test(.timeLimit(.minutes(3))) func receiverDownForAMinuteGetsEveryEventOnceInOrder() async throws {
        let down = try await WebhookReceiver()
        let port = down.port
        await down.stop()
        let gateway = try Self.gateway(
            delivery: WebhookDeliverySettings(maxAttempts: 100, initialBackoff: .milliseconds(500), maxBackoff: .seconds(5)))
        let session = try await Self.session(on: gateway, subscribe: ["All"], webhook: down.url)
        let dispatching = Task { await gateway.webhooks.run() }
        defer { dispatching.cancel() }

        let outage = ContinuousClock.now
        var emitted = 0
        while ContinuousClock.now - outage < .seconds(61) {
            emitted += 1
            try await gateway.events.emit(session: session.id, type: "Message", json: #"{"n":\#(emitted)}"#)
            try await Task.sleep(for: .seconds(2))
        }
        let head = try #require(try await gateway.webhooks.outbox.heads().first)
        #expect(head.attempts >= 8, "the head was tried throughout the outage")
        #expect(try await gateway.webhooks.outbox.counts() == [.pending: emitted, .dead: 0])

        let receiver = try await WebhookReceiver(port: port)
        let back = ContinuousClock.now
        try await Self.eventually { try await gateway.webhooks.outbox.counts() == [.pending: 0, .dead: 0] }
        #expect(ContinuousClock.now - back < .seconds(15), "delivered within a few capped backoffs of the return")
        let bodies = receiver.received.compactMap { Self.formFields($0.body)?.first?.1 }
        #expect(bodies == (1...emitted).map { #"{"event":{"n":\#($0)},"type":"Message"}"# })
        let ids = receiver.received.compactMap { $0.header("X-Wago-Event-Id") }
        #expect(ids.count == emitted && Set(ids).count == emitted)
        await receiver.stop()
    }

    @Test func restartDeliversPendingRowsOncePerID() async throws {
        let down = try await WebhookReceiver()
        await down.stop()
        let before = try Self.gateway(delivery: Self.fastRetries)
        let session = try await Self.session(on: before, subscribe: ["All"], webhook: down.url)
        for n in 1...3 { try await before.events.emit(session: session.id, type: "Message", json: #"{"n":\#(n)}"#) }
        let dispatching = Task { await before.webhooks.run() }
        try await Self.eventually { try await before.webhooks.outbox.heads().first?.attempts ?? 0 >= 2 }
        dispatching.cancel()
        await dispatching.value

        let receiver = try await WebhookReceiver(port: down.port)
        let after = try Self.gateway(delivery: Self.fastRetries, dataDirectory: before.settings.dataDirectory)
        #expect(try await after.webhooks.outbox.counts()[.pending] == 3)
        #expect(try await after.webhooks.outbox.heads().first?.attempts ?? 0 >= 2, "attempts survive the restart")
        try await Self.deliver(on: after) { try await after.webhooks.outbox.counts()[.pending] == 0 }

        let ids = receiver.received.compactMap { $0.header("X-Wago-Event-Id") }
        #expect(ids.count == 3)
        #expect(Set(ids).count == 3)
        let bodies = receiver.received.compactMap { Self.formFields($0.body)?.first?.1 }
        #expect(bodies == (1...3).map { #"{"event":{"n":\#($0)},"type":"Message"}"# })
        await receiver.stop()
    }

    @Test func deadLettersAreListedAndRequeued() async throws {
        let receiver = try await WebhookReceiver(status: 500)
        var delivery = Self.fastRetries
        delivery.maxAttempts = 3
        let gateway = try Self.gateway(delivery: delivery)
        let session = try await Self.session(on: gateway, subscribe: ["All"], webhook: receiver.url)
        try await gateway.events.emit(session: session.id, type: "ReadReceipt", json: "{}")

        let dispatching = Task { await gateway.webhooks.run() }
        defer { dispatching.cancel() }
        try await Self.eventually { try await gateway.webhooks.outbox.counts()[.dead] == 1 }
        #expect(receiver.received.count == 3)
        let id = try #require(receiver.received.first?.header("X-Wago-Event-Id"))

        try await gateway.application().test(.router) { client in
            let unauthenticated = try await client.call(.get, "/server/webhooks")
            #expect(unauthenticated.status == .unauthorized)
            let report = try #require(try await client.call(.get, "/server/webhooks", admin: TestGateway.adminToken).data)
            #expect(report["Counts"] as? [String: Int] == ["pending": 0, "dead": 1])
            let dead = try #require((report["Dead"] as? [[String: Any]])?.first)
            #expect(dead["Id"] as? String == id)
            #expect(dead["Session"] as? String == session.id)
            #expect(dead["Type"] as? String == "ReadReceipt")
            #expect(dead["Attempts"] as? Int == 3)
            #expect(dead["LastError"] as? String == "HTTP 500")
            #expect((dead["CreatedAt"] as? String).flatMap { try? Date($0, strategy: .iso8601) } != nil)

            receiver.answer(200)
            let unknown = try await client.call(
                .post, "/server/webhooks/retry", admin: TestGateway.adminToken, json: #"{"Ids":["no-such-id"]}"#)
            #expect(unknown.data?["Requeued"] as? Int == 0)
            let retried = try await client.call(.post, "/server/webhooks/retry", admin: TestGateway.adminToken)
            #expect(retried.data?["Requeued"] as? Int == 1)
        }
        try await Self.eventually { receiver.received.count == 4 }
        #expect(receiver.received.last?.header("X-Wago-Event-Id") == id)
        #expect(receiver.received.last?.status == 200)
        try await Self.eventually { try await gateway.webhooks.outbox.counts() == [.pending: 0, .dead: 0] }
        await receiver.stop()
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let receiver = try await WebhookReceiver(status: 410)
        let gateway = try Self.gateway(delivery: Self.fastRetries)
        let session = try await Self.session(on: gateway, subscribe: ["All"], webhook: receiver.url)
        try await gateway.events.emit(session: session.id, type: "Message", json: "{}")

        try await Self.deliver(on: gateway) { try await gateway.webhooks.outbox.counts()[.dead] == 1 }
        #expect(receiver.received.count == 1)
        let dead = try await gateway.webhooks.outbox.dead(limit: 10)
        #expect(dead.map(\.attempts) == [1])
        #expect(dead.map(\.lastError) == ["HTTP 410"])
        await receiver.stop()
    }

    /// A URL stored while private destinations were allowed is checked again when sent.
    @Test func privateDestinationsAreRefusedAtDelivery() async throws {
        let receiver = try await WebhookReceiver()
        let directory = TestGateway.temporaryDirectory()
        let permissive = try Self.gateway(dataDirectory: directory)
        let session = try await Self.session(on: permissive, subscribe: ["All"], webhook: receiver.url)
        let strict = try Self.gateway(dataDirectory: directory, allowPrivateURLs: false)
        try await strict.events.emit(session: session.id, type: "Message", json: "{}")

        try await Self.deliver(on: strict) { try await strict.webhooks.outbox.counts()[.dead] == 1 }
        #expect(receiver.received.isEmpty)
        let reason = try #require(try await strict.webhooks.outbox.dead(limit: 1).first?.lastError)
        #expect(reason.contains("loopback"))
        await receiver.stop()
    }

    @Test func backoffIsJitteredBelowADoublingCeiling() {
        let settings = WebhookDeliverySettings(initialBackoff: .seconds(1), maxBackoff: .seconds(600))
        var random = SystemRandomNumberGenerator()
        for failures in 1...14 {
            let ceiling = min(Duration.seconds(600), .seconds(1 << (failures - 1)))
            let waits = (0..<200).map { _ in settings.backoff(afterFailures: failures, using: &random) }
            #expect(waits.allSatisfy { $0 >= .zero && $0 <= ceiling })
            // Full jitter: the waits spread over the whole range, not around the ceiling.
            #expect(waits.contains { $0 < ceiling / 2 } && waits.contains { $0 > ceiling / 2 })
        }
    }

    @Test func formEncodingMatchesGo() {
        // Go: url.Values{"jsonData": {`{"a":"b c&d=é+~/"}`}, "token": {"t k"}}.Encode()
        let encoded = WebhookRequest.formEncoded([("jsonData", #"{"a":"b c&d=é+~/"}"#), ("token", "t k")])
        #expect(String(decoding: encoded, as: UTF8.self) == "jsonData=%7B%22a%22%3A%22b+c%26d%3D%C3%A9%2B~%2F%22%7D&token=t+k")
    }

    @Test func statusesThatAreRetried() {
        #expect([408, 429, 500, 502, 503, 504].allSatisfy(WebhookDispatcher.isRetryable(status:)))
        #expect(![301, 400, 401, 403, 404, 410, 422].contains(where: WebhookDispatcher.isRetryable(status:)))
    }

    // MARK: Helpers

    static func gateway(
        delivery: WebhookDeliverySettings = WebhookDeliverySettings(), dataDirectory: URL? = nil,
        allowPrivateURLs: Bool = true, logger: Logger = quietLogger
    ) throws -> Gateway {
        let directory = dataDirectory ?? TestGateway.temporaryDirectory()
        var settings = GatewaySettings(
            adminToken: TestGateway.adminToken, dataDirectory: directory, pluginsDirectory: directory,
            allowPrivateURLs: allowPrivateURLs)
        settings.webhooks = delivery
        return try Gateway(settings: settings, logger: logger, pluginFiles: [])
    }

    static let quietLogger = {
        var logger = Logger(label: "wago.test")
        logger.logLevel = .critical
        return logger
    }()

    /// A session with `subscribe`, and its webhook set through `POST /webhook` when given.
    static func session(on gateway: Gateway, subscribe: [String], webhook: String?, format: String? = nil)
        async throws -> SessionRecord
    {
        let id = UUID().uuidString.lowercased()
        let record = SessionRecord(
            id: id, name: "webhooks-\(id)", token: "token-\(id)", os: "WaGo", subscribe: subscribe)
        try gateway.sessions.create(record)
        if let webhook {
            let format = format.map { #","Format":"\#($0)""# } ?? ""
            try await gateway.application().test(.router) { client in
                let set = try await client.call(
                    .post, "/webhook", token: record.token, json: #"{"WebhookURL":"\#(webhook)"\#(format)}"#)
                #expect(set.status == .ok)
            }
        }
        return record
    }

    /// The string fields of `GET /webhook`'s answer.
    static func webhookSettings(of session: SessionRecord, on gateway: Gateway) async throws -> [String: String] {
        let fields = Mutex<[String: String]>([:])
        try await gateway.application().test(.router) { client in
            let answer = try await client.call(.get, "/webhook", token: session.token)
            let strings = (answer.data ?? [:]).compactMapValues { $0 as? String }
            fields.withLock { $0 = strings }
        }
        return fields.withLock { $0 }
    }

    /// Runs the gateway's dispatcher until `done`.
    static func deliver(on gateway: Gateway, until done: @escaping @Sendable () async throws -> Bool) async throws {
        let dispatching = Task { await gateway.webhooks.run() }
        defer { dispatching.cancel() }
        try await eventually(done)
    }

    /// Polls `condition` for up to thirty seconds (the full suite runs in parallel on small
    /// machines) and fails the test if it never holds.
    static func eventually(_ condition: @escaping @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await !condition() {
            try #require(ContinuousClock.now < deadline, "the condition did not hold within thirty seconds")
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func hmac(_ body: Data, secret: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
    }

    /// The fields of a form body, in order, decoded.
    static func formFields(_ body: Data) -> [(String, String)]? {
        var fields: [(String, String)] = []
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2,
                let name = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding,
                let value = parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            else { return nil }
            fields.append((name, value))
        }
        return fields
    }

    struct PostedVector {
        let id: String
        let type: String
        /// The event object: its exact bytes when `payload` is nil.
        let event: String
        /// The whole body, for events whose jsonData has extras beside `event` and `type`.
        let payload: String?
        let jsonData: String
    }

    /// The vectors of events.json that WaGo posts. Those whose jsonData is `{"event":…,"type":…}`
    /// alone are emitted as the event's exact bytes, which the bus wraps; the others
    /// (`state`, `decryptVote`, `qrCodeBase64`) as their whole body.
    static func postedVectors() throws -> [PostedVector] {
        let root = try SharedData.json("vectors/events.json")
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try cases.compactMap { vector in
            guard let id = vector["id"] as? String, let type = vector["wago_type"] as? String,
                let jsonData = vector["json_data"] as? String
            else { return nil }
            let prefix = #"{"event":"#
            let suffix = #","type":"\#(type)"}"#
            if jsonData.hasPrefix(prefix), jsonData.hasSuffix(suffix) {
                let event = String(jsonData.dropFirst(prefix.count).dropLast(suffix.count))
                if (try? JSONSerialization.jsonObject(with: Data(event.utf8), options: .fragmentsAllowed)) != nil {
                    return PostedVector(id: id, type: type, event: event, payload: nil, jsonData: jsonData)
                }
            }
            let object = try #require((vector["json"] as? [String: Any])?["event"], "\(id) has json.event")
            let event = try JSONSerialization.data(withJSONObject: object, options: .fragmentsAllowed)
            return PostedVector(
                id: id, type: type, event: String(decoding: event, as: UTF8.self), payload: jsonData, jsonData: jsonData)
        }
    }
}
