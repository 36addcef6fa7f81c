import Foundation
import Logging
import Testing
import WABinary
import WACrypto
import WAProto
import WASocket
import WATransport
@testable import WagoSandbox

/// A sandbox in a fresh temporary data folder, on a free loopback port.
struct SandboxFixture {
    let server: SandboxServer
    let directory: URL

    init(
        adminToken: String? = SandboxFixture.adminToken, answersPings: Bool = true,
        firstRefLifetime: Duration = .seconds(60), refRotation: Duration = .seconds(20),
        directory: URL = FileManager.default.temporaryDirectory.appendingPathComponent("wago-sandbox-\(UUID().uuidString)")
    ) throws {
        self.directory = directory
        server = try SandboxServer(
            configuration: SandboxConfiguration(
                port: 0, dataDirectory: directory, adminToken: adminToken, handshakeTimeout: Self.handshakeTimeout,
                hangUpDelay: .milliseconds(500), firstRefLifetime: firstRefLifetime, refRotation: refRotation,
                linkTimeout: .seconds(5), answersPings: answersPings),
            logger: Logger(label: "sandbox-test"))
    }

    static let adminToken = "test-admin-token"
    /// Long enough for a handshake split into 3-byte messages on a loaded machine.
    static let handshakeTimeout = Duration.seconds(10)

    /// Records `device` as linked to its phone number's account (created when missing), as if
    /// the phone had linked it.
    @discardableResult
    func seed(_ device: TestDevice) async throws -> VirtualAccount {
        let phone = device.jid.user
        if await server.accounts.account(phone: phone) == nil {
            _ = try await server.accounts.createAccount(phone: phone, pushName: "Seeded")
        }
        try await server.accounts.addCompanion(device.linkedDevice, phone: phone)
        return try #require(await server.accounts.account(phone: phone))
    }

    /// Runs `body` against the running sandbox, then stops it and removes its folder.
    func run<Result: Sendable>(_ body: (SandboxInfo) async throws -> Result) async throws -> Result {
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await server.withRunning(body)
    }
}

/// A client's keys and the payloads it would send.
struct TestDevice {
    let noiseKey = Curve25519KeyPair.generate()
    let identityKey = Curve25519KeyPair.generate()
    let signedPreKey = Curve25519KeyPair.generate()
    var jid = JID(user: "15550001111", server: JID.userServer, device: 7)

    /// A registration; `signer` other than the identity key makes its prekey signature invalid.
    func registration(signedBy signer: Curve25519KeyPair? = nil) throws -> WAWa6_ClientPayload {
        let signature = try XEdDSA.sign(
            privateKey: (signer ?? identityKey).privateKey, message: signedPreKey.publicKey.serialized)
        return .registration(
            registrationID: 1234, identityKey: identityKey.publicKey.bytes, signedPreKeyID: 1,
            signedPreKey: signedPreKey.publicKey.bytes, signedPreKeySignature: signature)
    }

    var login: WAWa6_ClientPayload {
        .login(username: UInt64(jid.user)!, device: UInt32(jid.device))
    }

    /// This device as the sandbox stores a linked companion.
    var linkedDevice: LinkedDevice {
        let signature = (try? XEdDSA.sign(privateKey: identityKey.privateKey, message: signedPreKey.publicKey.serialized)) ?? []
        let keys = PublishedKeys(
            identity: Data(identityKey.publicKey.bytes), registrationID: 1234,
            signedPreKey: .init(id: 1, publicKey: Data(signedPreKey.publicKey.bytes), signature: Data(signature)))
        return LinkedDevice(
            deviceID: jid.device, noiseKey: Data(noiseKey.publicKey.bytes), keys: keys, keyIndex: 1, name: "test",
            platform: "unknown")
    }
}

/// Collects a socket's events so tests can wait for the one they expect.
actor EventLog {
    private(set) var events: [WhatsAppSocketEvent] = []

    func append(_ event: WhatsAppSocketEvent) { events.append(event) }

    /// Waits until `condition` holds for the events so far, up to `timeout`.
    func waitUntil(timeout: Duration = .seconds(10), _ condition: ([WhatsAppSocketEvent]) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(events) {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met; saw \(events)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until an event matches, up to `timeout`; returns it.
    func wait<T: Sendable>(
        timeout: Duration = .seconds(10), for match: (WhatsAppSocketEvent) -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        var checked = 0
        while ContinuousClock.now < deadline {
            while checked < events.count {
                defer { checked += 1 }
                if let found = match(events[checked]) { return found }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no matching event; saw \(events)")
        throw CancellationError()
    }
}

/// Runs `socket` while `body` runs, feeding its events to the log; then disconnects it.
func withSocket<Result: Sendable>(
    _ socket: WhatsAppSocket, _ body: (EventLog) async throws -> Result
) async throws -> Result {
    let log = EventLog()
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { await socket.run() }
        group.addTask { for await event in socket.events { await log.append(event) } }
        defer { group.cancelAll() }
        let result = try await body(log)
        await socket.disconnect()
        return result
    }
}

extension WhatsAppSocketSettings {
    /// Settings that reach the sandbox, with fast keepalive and reconnects. The answer timeout
    /// leaves room for a loaded CI machine; a silent server is still detected within seconds.
    static func sandbox(_ info: SandboxInfo, rootKey: [UInt8]? = nil) -> WhatsAppSocketSettings {
        WhatsAppSocketSettings(
            url: info.url, rootKey: rootKey ?? (try! Hex.bytes(info.rootPublicKey)),
            keepalive: KeepaliveSettings(
                interval: .milliseconds(100) ... .milliseconds(200), responseTimeout: .seconds(1),
                maxFailureTime: .seconds(3)),
            reconnect: ReconnectBackoff(initialDelay: .milliseconds(50), maxDelay: .milliseconds(200)))
    }
}

extension WhatsAppSocketEvent {
    /// The stanza, when this is a `.node` event whose tag is `tag`.
    func node(tagged tag: String) -> Node? {
        if case .node(let node) = self, node.tag == tag { return node }
        return nil
    }
}

func makeSocket(_ info: SandboxInfo, device: TestDevice, rootKey: [UInt8]? = nil, payload: WAWa6_ClientPayload)
    -> WhatsAppSocket
{
    WhatsAppSocket(
        settings: .sandbox(info, rootKey: rootKey), noiseKey: device.noiseKey, logger: Logger(label: "socket-test")
    ) { payload }
}
