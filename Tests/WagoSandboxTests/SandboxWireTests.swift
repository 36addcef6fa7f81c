import Foundation
import HummingbirdWSClient
import Logging
import Testing
import WABinary
import WACrypto
import WASocket
import WATransport
import WagoSandbox

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The sandbox seen from the wire: framing across WebSocket messages, strict decryption, its
/// control endpoint and its key file.
@Suite(.timeLimit(.minutes(1)))
struct SandboxWireTests {
    /// Sends every chunk as several small WebSocket messages, so that the header, lengths and
    /// frames all straddle message boundaries.
    struct SplittingStream: NoiseByteStream {
        let base: WebSocketByteStream
        let pieceSize: Int

        func send(_ bytes: [UInt8]) async throws {
            for start in stride(from: 0, to: bytes.count, by: pieceSize) {
                try await base.send(Array(bytes[start..<min(bytes.count, start + pieceSize)]))
            }
        }

        func receive() async throws -> [UInt8]? { try await base.receive() }
    }

    /// Connects a raw Noise client whose bytes are split into 3-byte messages, registers, and
    /// hands the open socket and stream to `body` once `pair-device` arrived.
    func withSplitClient(
        _ info: SandboxInfo, _ body: @escaping @Sendable (inout NoiseSocket, SplittingStream, Node) async throws -> Void
    ) async throws {
        let device = TestDevice()
        let payload = try device.registration()
        let rootKey = try Hex.bytes(info.rootPublicKey)
        let client = WebSocketClient(url: info.url, logger: Logger(label: "split-client")) { inbound, outbound, _ in
            let stream = SplittingStream(base: WebSocketByteStream(inbound: inbound, outbound: outbound), pieceSize: 3)
            var socket = try await NoiseHandshakeDriver.connect(
                over: stream, initiator: NoiseInitiator(noiseKey: device.noiseKey, verifier: CertificateChainVerifier(rootKey: rootKey)),
                payload: payload)
            let pairDevice = try #require(try await nextNode(&socket, stream))
            try await body(&socket, stream, pairDevice)
        }
        try await client.run()
    }

    @Test func framesSplitAcrossWebSocketMessages() async throws {
        try await SandboxFixture().run { info in
            try await withSplitClient(info) { socket, stream, pairDevice in
                #expect(pairDevice.child(tagged: "pair-device") != nil)
                let ack = Node(
                    tag: "iq", attributes: ["to": .jid(JID(user: "", server: JID.userServer)), "id": pairDevice["id"]!, "type": "result"])
                try await stream.send(socket.seal(ack.encodedFrame()))
                var request = ping
                request.attributes["id"] = "split-ping"
                try await stream.send(socket.seal(request.encodedFrame()))
                let pong = try #require(try await nextNode(&socket, stream))
                #expect(pong.tag == "iq")
                #expect(pong["id"]?.description == "split-ping")
                #expect(pong["type"]?.description == "result")
            }
        }
    }

    @Test func tamperedFrameClosesTheConnection() async throws {
        try await SandboxFixture().run { info in
            try await withSplitClient(info) { socket, stream, _ in
                var frame = try socket.seal(ping.encodedFrame())
                frame[frame.count - 1] ^= 0x01
                try await stream.send(frame)
                // The server drops the connection without answering.
                #expect(try await nextNode(&socket, stream) == nil)
            }
        }
    }

    @Test func silentClientIsDroppedAfterTheHandshakeTimeout() async throws {
        try await SandboxFixture().run { info in
            let client = WebSocketClient(url: info.url, logger: Logger(label: "silent-client")) { inbound, outbound, _ in
                let stream = WebSocketByteStream(inbound: inbound, outbound: outbound)
                let start = ContinuousClock.now
                let received = try await stream.receive()
                #expect(received == nil)
                // The server's deadline started at the upgrade, a little before this handler ran.
                #expect(start.duration(to: .now) >= SandboxFixture.handshakeTimeout / 2)
            }
            try await client.run()
        }
    }

    @Test func infoEndpointRequiresTheAdminToken() async throws {
        try await SandboxFixture(adminToken: "secret-token").run { info in
            let url = URL(string: info.url.replacingOccurrences(of: "ws://", with: "http://")
                .replacingOccurrences(of: "/ws/chat", with: "/sandbox/info"))!
            var request = URLRequest(url: url)
            let (_, refused) = try await URLSession.shared.data(for: request)
            #expect((refused as? HTTPURLResponse)?.statusCode == 401)
            request.setValue("wrong", forHTTPHeaderField: "admintoken")
            let (_, wrong) = try await URLSession.shared.data(for: request)
            #expect((wrong as? HTTPURLResponse)?.statusCode == 401)
            request.setValue("secret-token", forHTTPHeaderField: "admintoken")
            let (body, accepted) = try await URLSession.shared.data(for: request)
            #expect((accepted as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: body, as: UTF8.self) == info.json)
            #expect(info.json == #"{"URL":"\#(info.url)","RootPublicKey":"\#(info.rootPublicKey)"}"#)
        }
    }

    @Test func keysAreKeptPrivatelyAcrossRestarts() throws {
        let fixture = try SandboxFixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let again = try SandboxServer(
            configuration: SandboxConfiguration(port: 0, dataDirectory: fixture.directory), logger: Logger(label: "again"))
        #expect(again.rootPublicKey == fixture.server.rootPublicKey)
        let file = fixture.directory.appendingPathComponent("sandbox-keys.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
    }
}

/// The next stanza from the server, or nil once it closed.
private func nextNode(_ socket: inout NoiseSocket, _ stream: some NoiseByteStream) async throws -> Node? {
    while let bytes = try await stream.receive() {
        if let frame = try socket.open(bytes).first { return try Node(frame: frame) }
    }
    return nil
}
