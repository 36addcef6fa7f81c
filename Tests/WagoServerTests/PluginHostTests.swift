import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WAClient
import WATransport
import WagoPluginABI
import WagoStore
@testable import WagoServer

@Suite("Plugin host")
struct PluginHostTests {
    /// Each refusal fixture and the words its refusal must contain.
    static let refusals: [(fixture: String, reason: String)] = [
        ("bad_magic", "wrong magic"),
        ("other_major", "major versions differ"),
        ("newer_minor", "newer than the host's"),
        ("missing_entry", "missing entry point wago_plugin_entry"),
        ("entry_null", "returned NULL"),
        ("truncated_manifest", "truncated manifest"),
        ("failing_init", "on_init failed"),
        ("wrong_runtime", "Swift plugins must use the host's toolchain"),
    ]

    @Test("each refusal fixture is refused with its reason, and the server keeps serving the rest")
    func refusedByServer() async throws {
        let paths = try Self.refusals.map { try FixturePlugins.path($0.fixture) } + [FixturePlugins.path("good")]
        let test = try TestGateway(plugins: paths)
        let refused = test.gateway.plugins.refused
        for (fixture, reason) in Self.refusals {
            let refusal = refused.first { URL(fileURLWithPath: $0.path).lastPathComponent == "lib\(fixture).so" }
            #expect(refusal?.reason.contains(reason) == true, "\(fixture): \(refusal?.reason ?? "not refused")")
        }
        #expect(test.gateway.plugins.loaded.map(\.manifest.name) == ["fixture-good"])
        try await test.test(.router) { client async throws in
            #expect(try await client.call(.get, "/fixture/hello").data?["Hello"] as? String == "world")
            let report = try await client.call(.get, "/server/plugins", admin: TestGateway.adminToken)
            let loaded = try #require(report.data?["loaded"] as? [[String: Any]])
            #expect(loaded.first?["name"] as? String == "fixture-good")
            #expect(loaded.first?["routes"] as? [String] == ["GET /fixture/hello", "POST /fixture/later", "GET /fixture/admin"])
            let listed = try #require(report.data?["refused"] as? [[String: Any]])
            #expect(listed.count == Self.refusals.count)
            #expect(listed.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
        }
    }

    @Test("wago plugin check refuses each fixture as the server does", arguments: refusals.map(\.fixture))
    func refusedByCheck(fixture: String) throws {
        let expected = try #require(Self.refusals.first { $0.fixture == fixture }?.reason)
        switch PluginCheck.run(path: try FixturePlugins.path(fixture), alongside: nil) {
        case .success(let info): Issue.record("\(fixture) passed the check as \(info.name)")
        case .failure(let refusal): #expect(refusal.reason.contains(expected), "\(refusal.reason)")
        }
    }

    @Test("wago plugin check prints a good plugin's manifest")
    func checkGood() throws {
        let info = try PluginCheck.run(path: FixturePlugins.path("good"), alongside: nil).get()
        #expect(info.name == "fixture-good")
        #expect(info.version == "1.0.0")
        #expect(info.abiVersion == "1.1")
        #expect(info.routes == ["GET /fixture/hello", "POST /fixture/later", "GET /fixture/admin"])
        #expect(info.events == ["Message"])
    }

    @Test("a route already owned by another plugin or by the core is refused before on_init")
    func conflicts() throws {
        let test = try TestGateway(plugins: [FixturePlugins.path("conflict_a"), FixturePlugins.path("conflict_b")])
        #expect(test.gateway.plugins.loaded.map(\.manifest.name) == ["fixture-conflict-a"])
        let refusal = try #require(test.gateway.plugins.refused.first)
        #expect(refusal.reason == "route GET /fixture/conflict is already served by fixture-conflict-a")

        let folder = URL(fileURLWithPath: try FixturePlugins.path("conflict_a")).deletingLastPathComponent()
        switch PluginCheck.run(path: try FixturePlugins.path("conflict_b"), alongside: folder) {
        case .success: Issue.record("conflict_b passed the check beside conflict_a")
        case .failure(let refusal): #expect(refusal.reason.contains("already served by fixture-conflict-a"))
        }
    }

    @Test("plugin routes check auth, and a plugin may answer later from another thread", arguments: testModes)
    func serving(mode: TestingSetup) async throws {
        let test = try TestGateway(plugins: [FixturePlugins.path("good")])
        try await test.test(mode) { client async throws in
            let created = try await client.call(.post, "/session/init", admin: TestGateway.adminToken, json: #"{"Token":"tok"}"#)
            let sessionID = try #require(created.data?["id"] as? String)
            #expect(try await client.call(.post, "/fixture/later", json: "{}").status == .unauthorized)
            let later = try await client.call(.post, "/fixture/later", token: "tok", json: #"{"Text":"hi"}"#)
            #expect(later.status == .ok)
            #expect(later.data?["Session"] as? String == sessionID, "the plugin sees the session id, never the token")
            #expect((later.data?["Body"] as? [String: Any])?["Text"] as? String == "hi")
            #expect(try await client.call(.get, "/fixture/admin").status == .unauthorized)
            #expect(try await client.call(.get, "/fixture/admin", admin: TestGateway.adminToken).data?["Admin"] as? Bool == true)
        }
    }

    @Test("a catalogued route with no plugin answers 501 naming the feature", arguments: testModes)
    func missingFeature(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            let reply = try await client.call(.post, "/group/create", token: "x", json: "{}")
            #expect(reply.status == .notImplemented)
            #expect(reply.error == "feature \"groups\" is not enabled on this server: no groups plugin is loaded")
            let license = try await client.call(.post, "/server/license", admin: TestGateway.adminToken, json: "{}")
            #expect(license.status == .notImplemented)
        }
    }

    @Test("a plugin left out of WAGO_PLUGINS is not initialised and its routes say so")
    func disabled() async throws {
        let test = try TestGateway(plugins: [FixturePlugins.path("good")], enabled: ["something-else"])
        #expect(test.gateway.plugins.loaded.isEmpty)
        #expect(test.gateway.plugins.disabled.map(\.name) == ["fixture-good"])
        try await test.test(.router) { client async throws in
            let reply = try await client.call(.get, "/fixture/hello")
            #expect(reply.status == .notImplemented)
            #expect(reply.error == "plugin fixture-good is installed but not enabled (add it to WAGO_PLUGINS)")
        }
    }

    @Test("events reach subscribed plugins, which can emit their own")
    func events() async throws {
        let test = try TestGateway(plugins: [FixturePlugins.path("good")])
        let seen = Mutex<[String]>([])
        test.gateway.events.subscribe("FixtureSeen") { session, _, json in seen.withLock { $0.append("\(session) \(json)") } }
        try await test.gateway.events.emit(session: "s1", type: "Message", json: #"{"Info":{}}"#)
        try await test.gateway.events.emit(session: "s1", type: "Presence", json: "{}")
        #expect(seen.withLock { $0 } == [#"s1 {"Info":{}}"#])
    }

    @Test("a plugin that never answers gets 504 after the timeout, and a late answer is refused")
    func timeout() async throws {
        let context = PluginContext(plugin: "slow", services: try Self.services())
        let table = HostAPI.makeTable(for: context)
        let pending = PendingReply()
        let handle = ResponderTable.shared.open(plugin: "slow", timeout: .zero, reply: pending)
        ResponderTable.shared.expire()
        let reply = await pending.reply()
        #expect(reply.response.status == .gatewayTimeout)
        let late = "{}".withBorrowedStr { table.pointee.respond_json(handle, 200, $0) }
        #expect(late == WAGO_ERR_ALREADY_DONE)
    }

    @Test("host storage is scoped per plugin and session; WhatsApp services say not connected")
    func hostServices() async throws {
        let services = try Self.services()
        try services.sessions.create(.init(id: "s1", name: "one", token: "t1", os: "x"))
        let first = HostAPI.makeTable(for: PluginContext(plugin: "first", services: services)).pointee
        let second = HostAPI.makeTable(for: PluginContext(plugin: "second", services: services)).pointee

        let status = "s1".withBorrowedStr { session in
            "k".withBorrowedStr { key in withBorrowedBytes(Array("v1".utf8)) { first.kv_set(first.host, session, key, $0) } }
        }
        #expect(status == WAGO_OK)
        #expect(Self.read(first, session: "s1", key: "k") == "v1")
        #expect(Self.read(second, session: "s1", key: "k") == nil, "another plugin's space")
        #expect(Self.read(first, session: "", key: "k") == nil, "the global space")
        let deleted = "s1".withBorrowedStr { s in "k".withBorrowedStr { first.kv_delete(first.host, s, $0) } }
        #expect(deleted == WAGO_OK)
        #expect(Self.read(first, session: "s1", key: "k") == nil)

        for (session, expected) in [("s1", WAGO_ERR_NOT_CONNECTED), ("nope", WAGO_ERR_NOT_FOUND)] {
            let result = Completion()
            let context = Unmanaged.passRetained(result).toOpaque()
            session.withBorrowedStr { s in
                "{}".withBorrowedStr { node in
                    first.send_iq(first.host, s, node, 1000, { context, status, message in
                        let result = Unmanaged<Completion>.fromOpaque(context!).takeRetainedValue()
                        result.value.withLock { $0 = (status, String(decoding: UnsafeRawBufferPointer(start: message.ptr, count: message.len), as: UTF8.self)) }
                    }, context)
                }
            }
            // WhatsApp services complete from a task, not before the call returns.
            let deadline = ContinuousClock.now + .seconds(5)
            while result.value.withLock({ $0 }) == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let (status, message) = try #require(result.value.withLock { $0 })
            #expect(status == expected)
            #expect(!message.isEmpty)
        }
    }

    final class Completion: Sendable {
        let value = Mutex<(wago_status, String)?>(nil)
    }

    static func services() throws -> PluginServices {
        try services(
            on: WagoDatabase(
                dataDirectory: TestGateway.temporaryDirectory(), secrets: SecretBox(masterKey: .init(size: .bits256))))
    }

    static func services(on database: WagoDatabase) throws -> PluginServices {
        let sessions = try SessionRegistry(store: SessionStore(database: database), secrets: database.secrets)
        let events = EventBus()
        let clients = SessionClients(
            database: database, sessions: sessions, events: events,
            configuration: ClientConfiguration(socket: WhatsAppSocketSettings()), logger: .init(label: "test"))
        return PluginServices(
            sessions: sessions, clients: clients, values: PluginValueStore(database: database), events: events,
            logger: .init(label: "test"), fetcher: try URLFetcher(urlPolicy: OutboundURLPolicy(allowPrivateAddresses: false)))
    }

    static func read(_ api: wago_host_api, session: String, key: String) -> String? {
        final class Box { var value: String? }
        let box = Box()
        let status = session.withBorrowedStr { s in
            key.withBorrowedStr { k in
                api.kv_get(api.host, s, k, { context, value in
                    Unmanaged<Box>.fromOpaque(context!).takeUnretainedValue().value =
                        String(decoding: UnsafeRawBufferPointer(start: value.ptr, count: value.len), as: UTF8.self)
                }, Unmanaged.passUnretained(box).toOpaque())
            }
        }
        return status == WAGO_OK ? box.value : nil
    }
}
