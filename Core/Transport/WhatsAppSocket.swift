import Foundation
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOSSL
import WABinary
import WACrypto
import WAProto
import WASocket

/// The gateway's connection to WhatsApp: a WebSocket, the Noise handshake with the certificate
/// chain checked against the configured root key, then binary nodes both ways. `run` keeps it
/// up: keepalive pings, reconnects with backoff, and stream errors reported as typed events.
///
/// Pairing and login logic live above: the socket forwards `<success>`, `pair-device` and every
/// other stanza as `.node` events and asks `payload` for a fresh ClientPayload per attempt (a
/// registration before pairing, a login after).
public actor WhatsAppSocket {
    /// Everything the socket reports, in order; finishes when `run` returns.
    public nonisolated let events: AsyncStream<WhatsAppSocketEvent>

    private let eventSink: AsyncStream<WhatsAppSocketEvent>.Continuation
    private let settings: WhatsAppSocketSettings
    private let noiseKey: Curve25519KeyPair
    private let payload: @Sendable () async throws -> WAWa6_ClientPayload
    private let logger: Logger
    private let iqPrefix = String(UInt32.random(in: .min ... .max), radix: 16)
    private var iqCounter: UInt64 = 0

    private var connection: NoiseConnection?
    private var pendingIQs: [String: AsyncThrowingStream<Node, any Error>.Continuation] = [:]
    /// Why the server ended the current connection, once it said so.
    private var serverEnding: ServerEnding?
    private var stopRequested = false

    private enum ServerEnding {
        case streamError(StreamError)
        case failure(Int)
    }

    /// - Parameters:
    ///   - noiseKey: the device's long-term Noise key (a login must use the registered one).
    ///   - payload: called before each connection attempt for the ClientPayload to send.
    public init(
        settings: WhatsAppSocketSettings, noiseKey: Curve25519KeyPair, logger: Logger,
        payload: @escaping @Sendable () async throws -> WAWa6_ClientPayload
    ) {
        self.settings = settings
        self.noiseKey = noiseKey
        self.logger = logger
        self.payload = payload
        (events, eventSink) = AsyncStream.makeStream()
    }

    // MARK: Sending

    /// Sends one stanza on the current connection.
    /// - Throws: `WhatsAppSocketError.notConnected` between connections; encoding errors.
    public func send(_ node: Node) async throws {
        guard let connection else { throw WhatsAppSocketError.notConnected }
        try await connection.send(node.encodedFrame())
    }

    /// Sends an `<iq>` and waits for the `result` or `error` with its id (assigned when absent).
    /// - Returns: the answer, whichever its type.
    public func sendIQ(_ request: Node, timeout: Duration = .seconds(75)) async throws -> Node {
        guard let connection else { throw WhatsAppSocketError.notConnected }
        var request = request
        let id = request["id"]?.description ?? nextIQID()
        request.attributes["id"] = .string(id)
        // Registered before sending: the answer may be handled while `send` is suspended.
        let (answers, answer) = AsyncThrowingStream<Node, any Error>.makeStream()
        pendingIQs[id] = answer
        defer { pendingIQs[id] = nil }
        try await connection.send(request.encodedFrame())
        return try await withThrowingTaskGroup(of: Node.self) { group in
            group.addTask {
                for try await node in answers { return node }
                throw WhatsAppSocketError.iqCancelled(id: id)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw WhatsAppSocketError.iqTimeout(id: id)
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// Hangs up the current connection and makes `run` return instead of reconnecting.
    public func disconnect() async {
        stopRequested = true
        await connection?.finishSending()
    }

    // MARK: Connection loop

    /// Connects, and reconnects until `disconnect`, cancellation, or a stream error or failure
    /// after which WhatsApp would refuse this device anyway (logged out, replaced, banned).
    /// Call once per socket.
    public nonisolated func run() async {
        var failures = 0
        while !Task.isCancelled, await !stopRequested {
            let attempt = await connectOnce()
            if attempt.handshakeCompleted { failures = 0 }
            eventSink.yield(.disconnected(attempt.error))
            guard let delay = await delayBeforeReconnect(failures: failures) else { break }
            if delay > .zero {
                failures += 1
                eventSink.yield(.reconnecting(attempt: failures, delay: delay))
                do { try await Task.sleep(for: delay) } catch { break }
            }
        }
        eventSink.finish()
    }

    /// One connection from WebSocket upgrade to close.
    private nonisolated func connectOnce() async -> (handshakeCompleted: Bool, error: (any Error)?) {
        let client = WebSocketClient(
            url: settings.url, configuration: webSocketConfiguration, tlsConfiguration: tlsConfiguration,
            logger: logger
        ) { inbound, outbound, _ in
            let stream = WebSocketByteStream(inbound: inbound, outbound: outbound)
            let initiator = NoiseInitiator(
                noiseKey: self.noiseKey, verifier: CertificateChainVerifier(rootKey: self.settings.rootKey))
            let payload = try await self.payload()
            let socket = try await withDeadline(self.settings.handshakeTimeout, "Noise handshake") {
                try await NoiseHandshakeDriver.connect(over: stream, initiator: initiator, payload: payload)
            }
            let connection = NoiseConnection(socket: socket, stream: stream)
            await self.attach(connection)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await connection.run { try await self.handle($0, from: connection) } }
                group.addTask { try await self.keepalive() }
                try await group.next()
                group.cancelAll()
            }
        }
        var failure: (any Error)?
        do {
            try await client.run()
        } catch {
            logger.debug("WhatsApp connection ended", metadata: ["error": "\(error)"])
            failure = error
        }
        return (await detach(), failure)
    }

    private nonisolated var webSocketConfiguration: WebSocketClientConfiguration {
        var headers = HTTPFields()
        headers[.origin] = WhatsAppSocketSettings.origin
        return WebSocketClientConfiguration(
            maxFrameSize: WebSocketByteStream.maxMessageSize, additionalHeaders: headers, closeTimeout: .seconds(5))
    }

    /// The system's CAs, plus the configured CA file.
    private nonisolated var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = settings.caFile {
            configuration.additionalTrustRoots = [.file(caFile)]
        }
        return configuration
    }

    private func attach(_ connection: NoiseConnection) async {
        self.connection = connection
        serverEnding = nil
        eventSink.yield(.connected)
        // `disconnect` may have come during the handshake.
        if stopRequested { await connection.finishSending() }
    }

    /// Forgets the connection and fails its unanswered IQs; true if it had been established.
    private func detach() -> Bool {
        let established = connection != nil
        connection = nil
        for (id, waiter) in pendingIQs {
            waiter.finish(throwing: WhatsAppSocketError.iqCancelled(id: id))
        }
        pendingIQs = [:]
        return established
    }

    /// nil to stop; zero to reconnect at once (the server asked for a restart).
    private func delayBeforeReconnect(failures: Int) -> Duration? {
        defer { serverEnding = nil }
        if stopRequested || Task.isCancelled { return nil }
        switch serverEnding {
        case .streamError(.restartRequired): return .zero
        case .streamError(let error) where !error.allowsReconnect: return nil
        case .failure(let reason) where !(500..<600).contains(reason): return nil
        default: return settings.reconnect.delay(afterFailures: failures)
        }
    }

    // MARK: Receiving

    private func handle(_ frame: [UInt8], from connection: NoiseConnection) async throws {
        let node: Node
        do {
            node = try Node(frame: frame)
        } catch {
            throw WhatsAppSocketError.malformedStanza
        }
        if node.tag == "iq" {
            let type = node["type"]?.description
            if type == "result" || type == "error", let id = node["id"]?.description,
                let waiter = pendingIQs.removeValue(forKey: id)
            {
                waiter.yield(node)
                waiter.finish()
                return
            }
            if type == "get", node["xmlns"]?.description == "urn:xmpp:ping", let id = node["id"] {
                try await connection.send(
                    Node(tag: "iq", attributes: ["to": .jid(Self.server), "id": id, "type": "result"]).encodedFrame())
                return
            }
        }
        if let error = StreamError(node) {
            logger.info("WhatsApp stream error", metadata: ["error": "\(error)"])
            serverEnding = .streamError(error)
            eventSink.yield(.streamError(error))
            // The client hangs up first, as WhatsApp Web does.
            await connection.finishSending()
            return
        }
        if node.tag == "failure" {
            let reason = node["reason"].flatMap { Int($0.description) } ?? 0
            logger.info("WhatsApp refused the connection", metadata: ["reason": "\(reason)"])
            serverEnding = .failure(reason)
            eventSink.yield(.connectFailure(reason: reason))
            await connection.finishSending()
            return
        }
        eventSink.yield(.node(node))
    }

    // MARK: Keepalive

    /// Pings until the connection ends; throws `keepaliveFailed` once pings have failed for
    /// `maxFailureTime`, which drops the connection so that `run` reconnects.
    private nonisolated func keepalive() async throws {
        let clock = ContinuousClock()
        var lastSuccess = clock.now
        var failures = 0
        while true {
            try await Task.sleep(for: settings.keepalive.nextInterval())
            do {
                _ = try await sendIQ(Self.ping, timeout: settings.keepalive.responseTimeout)
                if failures > 0 { eventSink.yield(.keepaliveRestored) }
                failures = 0
                lastSuccess = clock.now
            } catch WhatsAppSocketError.iqTimeout {
                failures += 1
                eventSink.yield(.keepaliveTimeout(errorCount: failures))
                if lastSuccess.duration(to: clock.now) >= settings.keepalive.maxFailureTime {
                    throw WhatsAppSocketError.keepaliveFailed
                }
            }
        }
    }

    private func nextIQID() -> String {
        iqCounter += 1
        return "\(iqPrefix)-\(iqCounter)"
    }

    /// `s.whatsapp.net`, which must go on the wire as a JID value.
    static let server = JID(user: "", server: JID.userServer)

    /// `<iq to=s.whatsapp.net type=get xmlns=w:p><ping/></iq>`.
    static let ping = Node(
        tag: "iq", attributes: ["to": .jid(server), "type": "get", "xmlns": "w:p"],
        content: .nodes([Node(tag: "ping")]))
}
