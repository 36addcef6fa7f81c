import Foundation
import Testing
import WABinary
import WAProto
import WACrypto
import WASocket
import WATransport
@testable import WagoSandbox

/// The gateway's WhatsAppSocket against the embedded sandbox over a real loopback WebSocket.
@Suite(.timeLimit(.minutes(1)))
struct WhatsAppSocketSandboxTests {
    @Test func newDeviceReceivesPairDevice() async throws {
        let device = TestDevice()
        try await SandboxFixture().run { info in
            let socket = makeSocket(info, device: device, payload: try device.registration())
            try await withSocket(socket) { log in
                let iq = try await log.wait { $0.node(tagged: "iq") }
                #expect(iq["xmlns"]?.description == "md")
                #expect(iq["from"]?.jid == JID(user: "", server: JID.userServer))
                let refs = try #require(iq.child(tagged: "pair-device")).children(tagged: "ref")
                #expect(refs.count == 6)
                for ref in refs {
                    guard case .bytes(let bytes) = ref.content else { Issue.record("ref without bytes"); continue }
                    #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("2@"))
                }
                try await socket.send(
                    Node(tag: "iq", attributes: ["to": .jid(iq["from"]!.jid!), "id": iq["id"]!, "type": "result"]))
                // The acknowledgement was accepted: the connection still answers.
                let pong = try await socket.sendIQ(ping)
                #expect(pong["type"]?.description == "result")
            }
        }
    }

    @Test func clientPinningAnotherRootRefusesTheSandbox() async throws {
        let device = TestDevice()
        try await SandboxFixture().run { info in
            let socket = makeSocket(
                info, device: device, rootKey: CertificateChainVerifier.whatsAppRootKey, payload: try device.registration())
            try await withSocket(socket) { log in
                let error = try await log.wait { event -> NoiseError? in
                    if case .disconnected(let error as NoiseError) = event { return error }
                    return nil
                }
                #expect(error == .certificate(.intermediateSignatureInvalid))
                #expect(await log.events.contains { $0.node(tagged: "iq") != nil } == false)
            }
        }
    }

    /// Payloads the real server refuses by closing the connection without a stanza.
    static let refusedPayloads: [(String, @Sendable (TestDevice) throws -> WAWa6_ClientPayload)] = [
        ("prekey signed by another key", { try $0.registration(signedBy: .generate()) }),
        ("registration without devicePairingData", { _ in .webClientBase() }),
        ("login carrying registration data", { device in
            var payload = try device.registration()
            payload.username = 15_550_001_111
            return payload
        }),
        ("no user agent", { device in
            var payload = try device.registration()
            payload.clearUserAgent()
            return payload
        }),
        ("truncated identity key", { device in
            var payload = try device.registration()
            payload.devicePairingData.eIdent = payload.devicePairingData.eIdent.dropLast()
            return payload
        }),
    ]

    @Test(arguments: 0..<refusedPayloads.count)
    func malformedClientPayloadIsRefused(_ index: Int) async throws {
        let device = TestDevice()
        let payload = try Self.refusedPayloads[index].1(device)
        try await SandboxFixture().run { info in
            let socket = makeSocket(info, device: device, payload: payload)
            try await withSocket(socket) { log in
                _ = try await log.wait { event -> Bool? in
                    if case .disconnected = event { return true }
                    return nil
                }
                let stanzas = await log.events.filter {
                    if case .node = $0 { return true }
                    return false
                }
                #expect(stanzas.isEmpty, "\(Self.refusedPayloads[index].0)")
            }
        }
    }

    @Test func outdatedClientFailsWith405() async throws {
        let device = TestDevice()
        try await SandboxFixture().run { info in
            let socket = makeSocket(info, device: device, payload: .login(username: 1, device: 1, version: WAWebVersion(2, 2400, 1)))
            try await withSocket(socket) { log in
                let reason = try await log.wait { event -> Int? in
                    if case .connectFailure(let reason) = event { return reason }
                    return nil
                }
                #expect(reason == 405)
            }
        }
    }

    @Test func loginWithAnotherNoiseKeyFailsWith401() async throws {
        let device = TestDevice()
        let impostor = TestDevice()
        let fixture = try SandboxFixture()
        try await fixture.seed(device)
        try await fixture.run { info in
            let socket = makeSocket(info, device: impostor, payload: device.login)
            try await withSocket(socket) { log in
                let reason = try await log.wait { event -> Int? in
                    if case .connectFailure(let reason) = event { return reason }
                    return nil
                }
                #expect(reason == 401)
            }
        }
    }

    @Test func loginForUnknownDeviceFailsWith401() async throws {
        let device = TestDevice()
        try await SandboxFixture().run { info in
            let socket = makeSocket(info, device: device, payload: device.login)
            try await withSocket(socket) { log in
                let reason = try await log.wait { event -> Int? in
                    if case .connectFailure(let reason) = event { return reason }
                    return nil
                }
                #expect(reason == 401)
            }
        }
    }

    @Test func knownDeviceLogsInAndKeepaliveIsAnswered() async throws {
        let device = TestDevice()
        let fixture = try SandboxFixture()
        let account = try await fixture.seed(device)
        try await fixture.run { info in
            let socket = makeSocket(info, device: device, payload: device.login)
            try await withSocket(socket) { log in
                let success = try await log.wait { $0.node(tagged: "success") }
                #expect(success["lid"]?.jid == JID(user: account.lid, server: JID.lidServer, device: 7))
                let active = try await socket.sendIQ(
                    Node(
                        tag: "iq", attributes: ["to": .jid(JID(user: "", server: JID.userServer)), "type": "set", "xmlns": "passive"],
                        content: .nodes([Node(tag: "active")])))
                #expect(active["type"]?.description == "result")
                let offline = try await log.wait { $0.node(tagged: "ib")?.child(tagged: "offline") }
                #expect(offline["count"]?.description == "0")
                // Keepalive pings go out every 100–200 ms; none may time out.
                try await Task.sleep(for: .seconds(1))
                let timeouts = await log.events.filter {
                    if case .keepaliveTimeout = $0 { return true }
                    return false
                }
                #expect(timeouts.isEmpty)
                #expect(try await socket.sendIQ(ping)["type"]?.description == "result")
            }
        }
    }

    @Test func unansweredPingsDropTheConnectionAndReconnect() async throws {
        let device = TestDevice()
        let fixture = try SandboxFixture(answersPings: false)
        try await fixture.seed(device)
        try await fixture.run { info in
            let socket = makeSocket(info, device: device, payload: device.login)
            try await withSocket(socket) { log in
                _ = try await log.wait { $0.node(tagged: "success") }
                _ = try await log.wait { event -> Bool? in
                    if case .keepaliveTimeout(errorCount: 2) = event { return true }
                    return nil
                }
                _ = try await log.wait { event -> Bool? in
                    if case .disconnected(WhatsAppSocketError.keepaliveFailed?) = event { return true }
                    return nil
                }
                _ = try await log.wait { event -> Bool? in
                    if case .reconnecting(attempt: 1, _) = event { return true }
                    return nil
                }
                try await log.waitUntil { events in
                    events.filter { $0.node(tagged: "success") != nil }.count == 2
                }
            }
        }
    }

    @Test func restartRequiredReconnectsAndLogsInAgain() async throws {
        let device = TestDevice()
        let fixture = try SandboxFixture()
        try await fixture.seed(device)
        try await fixture.run { info in
            let socket = makeSocket(info, device: device, payload: device.login)
            try await withSocket(socket) { log in
                _ = try await log.wait { $0.node(tagged: "success") }
                #expect(try await fixture.server.endStream(of: device.jid, with: .restartRequired))
                _ = try await log.wait { event -> Bool? in
                    if case .streamError(.restartRequired) = event { return true }
                    return nil
                }
                try await log.waitUntil { events in
                    events.filter { $0.node(tagged: "success") != nil }.count == 2
                }
            }
        }
    }

    @Test func secondLoginReplacesTheFirst() async throws {
        let device = TestDevice()
        let fixture = try SandboxFixture()
        try await fixture.seed(device)
        try await fixture.run { info in
            let first = makeSocket(info, device: device, payload: device.login)
            try await withSocket(first) { firstLog in
                _ = try await firstLog.wait { $0.node(tagged: "success") }
                let second = makeSocket(info, device: device, payload: device.login)
                try await withSocket(second) { secondLog in
                    _ = try await secondLog.wait { $0.node(tagged: "success") }
                    _ = try await firstLog.wait { event -> Bool? in
                        if case .streamError(.replaced) = event { return true }
                        return nil
                    }
                }
            }
        }
    }
}

/// `<iq to=s.whatsapp.net type=get xmlns=w:p><ping/></iq>`.
let ping = Node(
    tag: "iq", attributes: ["to": .jid(JID(user: "", server: JID.userServer)), "type": "get", "xmlns": "w:p"],
    content: .nodes([Node(tag: "ping")]))
