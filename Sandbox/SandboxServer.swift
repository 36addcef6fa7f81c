import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import WABinary
import WACrypto
import WASocket
import WATransport

/// A WhatsApp server on loopback: the chat WebSocket at `/ws/chat` with the Noise responder
/// and a certificate chain under the sandbox's own root key, ClientPayload checks, QR refs for
/// new devices and `<success>` for linked ones, prekeys, device lists, 1:1 message and receipt
/// routing with offline queues; virtual accounts whose phones link companions and send and
/// receive with real encryption; and the control API under `/sandbox/` (docs/sandbox.md).
///
/// Run it as a service (`wago sandbox`) or embedded: `withRunning` starts it on the configured
/// port (0 for any free one) and hands the URL and root key to a closure.
public actor SandboxServer {
    /// The virtual accounts and their devices, kept in the data folder.
    public nonisolated let accounts: AccountStore
    /// The live connections, by device and by the QR refs they were shown.
    nonisolated let connections = ConnectionRegistry()
    /// Routes messages and receipts, queues them for offline devices, runs the virtual phones.
    nonisolated let router: MessageRouter
    /// Presence subscriptions and announcements, and chat states.
    nonisolated let presence: PresenceRouter
    /// The virtual phones' history blobs for the companions they link.
    nonisolated let historySync: HistorySyncSender
    /// The media host: `media_conn` credentials, uploads and downloads on this server's port.
    nonisolated let media: MediaHost
    /// The key gateways must pin (`WAGO_WA_ROOT_KEY`).
    public nonisolated var rootPublicKey: [UInt8] { keys.root.publicKey.bytes }

    private nonisolated let keys: SandboxKeys
    nonisolated let configuration: SandboxConfiguration
    private nonisolated let logger: Logger
    /// Set once the server listens.
    private var info: SandboxInfo?

    /// Loads the keys and accounts from the data folder, creating the keys on first use.
    public init(configuration: SandboxConfiguration, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        keys = try SandboxKeys.loadOrCreate(in: configuration.dataDirectory)
        accounts = try AccountStore(directory: configuration.dataDirectory)
        router = MessageRouter(
            accounts: accounts, connections: connections,
            offline: try OfflineQueue(directory: configuration.dataDirectory, limit: configuration.offlineQueueLimit),
            phones: try PhoneStore(directory: configuration.dataDirectory),
            groups: try GroupStore(directory: configuration.dataDirectory), logger: logger)
        presence = PresenceRouter(accounts: accounts, connections: connections, groups: router.groups, logger: logger)
        let media = try MediaHost(dataDirectory: configuration.dataDirectory)
        self.media = media
        historySync = HistorySyncSender(router: router, media: media, logger: logger)
    }

    /// Serves until cancelled. `onListening` gets the URL once the port is bound.
    public nonisolated func run(onListening: @escaping @Sendable (SandboxInfo) async -> Void = { _ in }) async throws {
        let certificateChain = try keys.certificateChain()
        let chat = Router(context: BasicWebSocketRequestContext.self)
        chat.ws("/ws/chat") { inbound, outbound, context in
            await self.serve(
                WebSocketByteStream(inbound: inbound, outbound: outbound), certificateChain: certificateChain,
                logger: context.logger)
        }
        let control = Router()
        addControlRoutes(to: control)

        let webSocket = WebSocketServerConfiguration(maxFrameSize: WebSocketByteStream.maxMessageSize, autoPing: .disabled)
        let app = Application(
            router: control,
            server: .http1WebSocketUpgrade(webSocketRouter: chat, configuration: .init(ws: webSocket)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? self.configuration.port
                await self.media.listening(on: "\(self.configuration.host):\(port)")
                let info = SandboxInfo(
                    url: "ws://\(self.configuration.host):\(port)/ws/chat", rootPublicKey: Hex.string(self.rootPublicKey))
                await self.setInfo(info)
                await onListening(info)
            },
            logger: logger)
        try await app.run()
    }

    /// Starts the server, runs `body` with its address, and stops the server when `body` returns.
    public nonisolated func withRunning<Result: Sendable>(
        _ body: (SandboxInfo) async throws -> Result
    ) async throws -> Result {
        let (listening, announce) = AsyncStream<SandboxInfo>.makeStream()
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { announce.finish() }
                try await self.run { announce.yield($0) }
            }
            var announcements = listening.makeAsyncIterator()
            guard let info = await announcements.next() else {
                try await group.next()
                throw CancellationError()
            }
            defer { group.cancelAll() }
            return try await body(info)
        }
    }

    /// Sends `error` to the connection logged in as `device` and closes it.
    /// - Returns: false when the device is not connected.
    @discardableResult
    public nonisolated func endStream(of device: JID, with error: StreamError) async throws -> Bool {
        guard let connection = await connections.connection(for: device) else { return false }
        try await connection.end(with: error)
        return true
    }

    private func setInfo(_ info: SandboxInfo) {
        self.info = info
    }

    /// The URL and root key, once the server listens.
    var listeningInfo: SandboxInfo? { info }

    /// One chat connection: handshake, ClientPayload, then stanzas until either side hangs up.
    private nonisolated func serve(_ stream: WebSocketByteStream, certificateChain: [UInt8], logger: Logger) async {
        let connection: SandboxConnection
        let noise: NoiseConnection
        do {
            let responder = NoiseResponder(staticKey: keys.server, certificateChain: certificateChain)
            let accepted = try await withDeadline(configuration.handshakeTimeout, "Noise handshake") {
                try await NoiseHandshakeDriver.accept(over: stream, responder: responder)
            }
            noise = NoiseConnection(socket: accepted.socket, stream: stream, joinsFrames: true)
            connection = SandboxConnection(
                noise: noise, router: router, presence: presence, historySync: historySync, media: media,
                clientStaticKey: accepted.clientStaticKey, configuration: configuration,
                logger: logger)
            try await connection.start(with: accepted.payload)
        } catch {
            logger.info("sandbox refused a connection", metadata: ["error": "\(error)"])
            return
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await noise.run { try await connection.handle($0) } }
                group.addTask {
                    // Give the client `hangUpDelay` to close first, then close.
                    for await _ in connection.hangUpRequests {
                        try await Task.sleep(for: self.configuration.hangUpDelay)
                        await noise.finishSending()
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        } catch {
            logger.info("sandbox closed a connection", metadata: ["error": "\(error)"])
        }
        await connection.closed()
    }
}
