import Foundation
import Logging
import WABinary
import WACrypto
import WAProto
import WASignal
import WAMedia
import WAMessaging
import WASocket
import WATransport
import WagoHTTPClient
import WagoStore

/// One session's WhatsApp companion device: it registers and links (QR or pair code), logs in
/// with the linked identity, keeps its prekeys stocked, and reports what happens as events.
/// The socket below reconnects by itself; this actor decides what each connection says.
public actor WhatsAppClient {
    /// The session this device belongs to; scopes its rows in the store.
    public nonisolated let session: String

    /// Takes everything the client reports, one event at a time and in order. The client
    /// waits for it: a message is acknowledged to the server only once its handler returned,
    /// so a consumer that stores the event before returning loses nothing in a crash. It
    /// throws when it could not store the event: that message is then not acknowledged.
    let eventHandler: @Sendable (ClientEvent) async throws -> Void
    let devices: DeviceStore
    let signal: SignalStore
    let configuration: ClientConfiguration
    let logger: Logger
    let socket: WhatsAppSocket
    var device: DeviceRecord {
        didSet {
            guard device.jid != oldValue.jid || device.lid != oldValue.lid else { return }
            (ownJID, ownLID) = Self.parsedJIDs(of: device)
            stateChanged()
        }
    }
    /// `device.jid` and `device.lid`, parsed once each time they change (a send looked at
    /// them some ten times).
    private(set) var ownJID: JID?
    private(set) var ownLID: JID?
    let identity: Curve25519KeyPair

    private var runTask: Task<Void, Never>?
    private var started = false
    /// The Noise handshake finished on the current connection.
    private(set) var connected = false {
        didSet { if connected != oldValue { stateChanged() } }
    }
    /// The server accepted our login on the current connection.
    private(set) var loggedIn = false {
        didSet { if loggedIn != oldValue { stateChanged() } }
    }
    /// Set once the device was logged out and wiped: this client can never connect again.
    private(set) var loggedOut = false
    /// Linking in progress: the QR shown now and the rotation that replaces it.
    var currentQR: String?
    var qrRotation: Task<Void, Never>?
    var pairCode: PendingPairCode?
    /// Senders waiting for the server's ack of their message, by message id.
    var pendingAcks: [String: AsyncStream<Node>.Continuation] = [:]
    /// Whether a Signal operation runs, and who waits for it (`withSignalSessions`).
    var signalBusy = false
    var signalWaiters: [CheckedContinuation<Void, Never>] = []
    /// Stores sends' Signal writes, several messages a commit (`withSignalTransaction`).
    let signalCommits: SignalGroupCommit
    /// Callers waiting for the next state change (`waitUntil`).
    private var stateWaiters: [CheckedContinuation<Void, Never>] = []
    /// Device lists, group metadata and our sender key's holders, for sending (WhatsAppClient+Messages).
    let userDevices = UserDevicesCache()
    let groupMetadata = GroupMetadataCache()
    let senderKeyHolders: StoredSenderKeyHolders
    /// Phone number ↔ LID pairs this session learned (WhatsAppClient+LID).
    let lids: LIDStore
    /// Moves a peer's Signal state to its LID addresses once its LID is known (WhatsAppClient+LID).
    let lidMigration: SignalLIDMigration
    /// The last `media_conn` answer and when it expires (WhatsAppClient+Media.swift).
    var cachedMediaConnection: (connection: MediaConnection, expiresAt: ContinuousClock.Instant)?
    /// Created at the first upload or download.
    var mediaHTTPClient: HTTPClient?
    /// Our latest sent messages by chat and id, to answer retry receipts (WhatsAppClient+Retry).
    let sentMessages: SentMessageStore
    /// How often devices asked for our messages again, and when their sessions were started anew.
    let retryAnswers = RetryReceipt.AnswerHistory()
    /// Latest received media messages by media key, and media retries waiting for the phone's
    /// answer by message id (WhatsAppClient+MediaRetry).
    var recentMedia = RecentMessages<[UInt8], ReceivedMessage>(capacity: WhatsAppClient.recentMediaCapacity)
    var mediaRetryWaiters: [String: AsyncStream<MediaRetryNotice>.Continuation] = [:]

    /// Opens the session's device, creating fresh keys for a device never linked before.
    /// `events` is awaited for each event the client reports (see `eventHandler`).
    public init(
        session: String, database: WagoDatabase, configuration: ClientConfiguration, logger: Logger,
        events: @escaping @Sendable (ClientEvent) async throws -> Void
    ) async throws {
        let devices = DeviceStore(database: database)
        let signal = SignalStore(database: database, device: session)
        var logger = logger
        logger[metadataKey: "session"] = .string(session)
        let device: DeviceRecord
        if let stored = try await devices.device(session: session) {
            device = stored
        } else {
            device = try await Self.registerNewDevice(session: session, devices: devices, signal: signal)
        }
        let identity = try await signal.localIdentity()
        self.session = session
        self.devices = devices
        self.signal = signal
        self.configuration = configuration
        self.logger = logger
        self.device = device
        (ownJID, ownLID) = Self.parsedJIDs(of: device)
        self.identity = identity
        senderKeyHolders = StoredSenderKeyHolders(signal: signal)
        let sentMessages = SentMessageStore(database: database, device: session)
        self.sentMessages = sentMessages
        signalCommits = SignalGroupCommit(storing: { try await signal.commit($0, alongside: sentMessages) })
        lids = LIDStore(database: database, device: session)
        lidMigration = SignalLIDMigration(database: database, device: session)
        eventHandler = events
        let noiseKey = try Curve25519KeyPair(privateKey: device.noisePrivateKey)
        let payload = PayloadSource(devices: devices, signal: signal, session: session, configuration: configuration)
        socket = WhatsAppSocket(
            settings: configuration.socket, noiseKey: noiseKey, logger: logger, payload: { try await payload.next() })
    }

    /// Keys for a device that has never linked: Noise, Signal identity, signed prekey, ADV secret.
    private static func registerNewDevice(session: String, devices: DeviceStore, signal: SignalStore) async throws
        -> DeviceRecord
    {
        let identity = Curve25519KeyPair.generate()
        // libsignal's registration ids are 14 bits, never 0.
        try await signal.saveLocalIdentity(identity, registrationID: UInt32.random(in: 1...0x3FFF))
        let signedPreKey = try SignedPreKeyRecord.generate(id: 1, identity: identity)
        try await signal.storeSignedPreKey(signedPreKey)
        let record = DeviceRecord(
            noisePrivateKey: Curve25519KeyPair.generate().privateKey, advSecret: randomBytes(32),
            signedPreKeyID: signedPreKey.id)
        try await devices.save(record, session: session)
        return record
    }

    // MARK: Lifecycle

    /// Starts connecting (and reconnecting) in the background; a second call does nothing. A
    /// client runs once: after `stop`, a new client for the session connects again.
    public func start() throws(ClientError) {
        guard !loggedOut else { throw .loggedOut }
        guard !started else { return }
        started = true
        let events = socket.events
        runTask = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.socket.run() }
                group.addTask {
                    for await event in events { await self.handle(event) }
                }
            }
            await self.finish()
        }
    }

    /// Hangs up and stops reconnecting. The device stays linked: `start` on a new client logs in again.
    public func stop() async {
        await socket.disconnect()
        await runTask?.value
    }

    /// Whether the client runs (connecting, connected, or waiting to reconnect).
    public var isRunning: Bool { runTask != nil }

    public var status: ClientStatus {
        ClientStatus(
            connected: connected, loggedIn: loggedIn, jid: ownJID, lid: ownLID, qrCode: currentQR)
    }

    private static func parsedJIDs(of device: DeviceRecord) -> (jid: JID?, lid: JID?) {
        (device.jid.flatMap { try? JID(parsing: $0) }, device.lid.flatMap { try? JID(parsing: $0) })
    }

    /// Waits until `condition` holds for the status, or `timeout` passes.
    /// - Returns: whether the condition held.
    public func waitUntil(timeout: Duration, _ condition: @Sendable (ClientStatus) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition(status) {
            guard ContinuousClock.now < deadline, isRunning else { return false }
            let wake = Task { [weak self] in
                // Only at the deadline: a cancelled wake-up that woke the waiters would wake
                // this loop's next wait at once, and the loop would spin until the condition held.
                guard (try? await Task.sleep(until: deadline)) != nil else { return }
                await self?.stateChanged()
            }
            await withCheckedContinuation { stateWaiters.append($0) }
            wake.cancel()
        }
        return true
    }

    /// Wakes every `waitUntil` to check its condition again: called when `status` changed
    /// (`connected`, `loggedIn` and the device's JIDs do so as they are set), when a QR is
    /// shown, and when the client stopped.
    func stateChanged() {
        let waiters = stateWaiters
        stateWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    /// Hands `event` to the consumer and waits until it took it; an event it could not take
    /// is logged (only messages wait for it to be stored: `handleMessage`).
    func report(_ event: ClientEvent) async {
        do {
            try await eventHandler(event)
        } catch {
            logger.error("the event handler could not take an event", metadata: ["error": "\(error)"])
        }
    }

    /// Unlinks this device on the server, then wipes its keys.
    /// - Throws: `ClientError.notLoggedIn` when not logged in, or the server's refusal.
    public func logout() async throws {
        guard loggedIn, let jid = ownJID else { throw ClientError.notLoggedIn }
        let request = Node(
            tag: "iq", attributes: ["to": .jid(Self.server), "type": "set", "xmlns": "md"],
            content: .nodes([
                Node(
                    tag: "remove-companion-device",
                    attributes: ["jid": .jid(jid), "reason": "user_initiated"])
            ]))
        do {
            try ClientError.check(try await socket.sendIQ(request))
        } catch WhatsAppSocketError.iqCancelled(let id) {
            // The server's hang-up overtook its answer. Its stream error, or the reconnect's
            // 401, says that it removed the device; a reconnect that logs in says it did not.
            guard await waitUntil(timeout: .seconds(10), { $0.jid == nil }), loggedOut else {
                throw WhatsAppSocketError.iqCancelled(id: id)
            }
        }
        try await becomeLoggedOut(onConnect: false, reason: 401)
        await stop()
    }

    private func finish() {
        runTask = nil
        connected = false
        loggedIn = false
        qrRotation?.cancel()
        currentQR = nil
        stateChanged()
    }

    // MARK: Socket events

    private func handle(_ event: WhatsAppSocketEvent) async {
        switch event {
        case .connected:
            connected = true
        case .node(let node):
            do {
                try await handle(node)
            } catch {
                logger.warning("could not handle a stanza", metadata: ["tag": "\(node.tag)", "error": "\(error)"])
            }
        case .streamError(let error):
            await handle(error)
        case .connectFailure(let reason):
            // 401: the server no longer knows this device; 403: banned. Both end the link.
            if device.isLinked, reason == 401 || reason == 403 {
                try? await becomeLoggedOut(onConnect: true, reason: reason)
            }
        case .disconnected:
            // Messages waiting for their ack will not get it on this connection.
            for waiter in pendingAcks.values { waiter.finish() }
            pendingAcks = [:]
            let wasConnected = connected
            connected = false
            loggedIn = false
            qrRotation?.cancel()
            currentQR = nil
            if wasConnected { await report(.disconnected) }
        case .keepaliveTimeout, .keepaliveRestored, .reconnecting:
            break
        }
    }

    private func handle(_ error: StreamError) async {
        switch error {
        case .deviceRemoved, .loggedOut:
            try? await becomeLoggedOut(onConnect: !loggedIn, reason: 401)
        case .replaced:
            logger.warning("another connection logged in as this device; not reconnecting")
        default:
            break
        }
    }

    private func handle(_ node: Node) async throws {
        switch node.tag {
        case "success":
            try await handleLoginSuccess(node)
        case "iq":
            try await handlePairingIQ(node)
        case "notification":
            try await handleNotification(node)
        case "message":
            try await handleMessage(node)
        case "receipt" where node["type"]?.description == "retry":
            try await handleRetryReceipt(node)
        case "receipt":
            try await handleReceipt(node)
        case "ack":
            handleAck(node)
        case "presence":
            try await handlePresence(node)
        case "chatstate":
            try await handleChatState(node)
        default:
            await report(.stanza(node))
        }
    }

    private func handleNotification(_ node: Node) async throws {
        // A group notification is acked once its event was taken (handleGroupNotification).
        if node["type"]?.description != "w:gp2", let ack = Receipts.ack(for: node) { try await socket.send(ack) }
        switch node["type"]?.description {
        case "encrypt" where node.child(tagged: "count") != nil:
            try await uploadPreKeys()
        case "link_code_companion_reg":
            try await finishPairCode(node)
        case "devices":
            try await handleDevicesNotification(node)
        case "mediaretry":
            handleMediaRetryNotification(node)
        case "w:gp2":
            try await handleGroupNotification(node)
        default:
            await report(.stanza(node))
        }
    }

    /// `<success>`: we are logged in. Go active, then stock prekeys.
    private func handleLoginSuccess(_ node: Node) async throws {
        if let lid = node["lid"]?.jid, device.lid != lid.description {
            device.lid = lid.description
            try await devices.save(device, session: session)
        }
        guard let jid = ownJID else { return }
        loggedIn = true
        qrRotation?.cancel()
        currentQR = nil
        let active = Node(
            tag: "iq", attributes: ["to": .jid(Self.server), "type": "set", "xmlns": "passive"],
            content: .nodes([Node(tag: "active")]))
        try ClientError.check(try await socket.sendIQ(active))
        await report(.loggedIn(jid: jid, lid: ownLID))
        try await maintainPreKeys()
    }

    /// Wipes the keys: the device is gone on the server, so nothing here can log in again.
    func becomeLoggedOut(onConnect: Bool, reason: Int) async throws {
        guard !loggedOut else { return }
        loggedIn = false
        // Under the Signal lock, after the commits still in flight: none of them may land after
        // the wipe and bring keys back, and no Signal operation starts after it.
        do {
            try await withSignalLock {
                try? await signalCommits.flush()
                loggedOut = true
                try await devices.wipe(session: session)
            }
        } catch ClientError.loggedOut {
            return  // the server's stream error and our own logout's answer both got here: one wipe
        }
        device.jid = nil
        device.lid = nil
        logger.info("logged out", metadata: ["reason": "\(reason)"])
        await report(.loggedOut(onConnect: onConnect, reason: reason))
        await socket.disconnect()
    }

    /// `s.whatsapp.net` as a JID value, as the server expects it in `to`.
    static let server = JID(user: "", server: JID.userServer)
}

/// What `/session/status` shows.
public struct ClientStatus: Sendable {
    public var connected: Bool
    public var loggedIn: Bool
    public var jid: JID?
    public var lid: JID?
    /// The QR to scan now, while linking.
    public var qrCode: String?
}

/// Builds each connection's ClientPayload from the stored device: a login once linked, a
/// registration before. Read from the store each time, so the login after pairing's 515
/// restart already uses the new identity.
private struct PayloadSource: Sendable {
    let devices: DeviceStore
    let signal: SignalStore
    let session: String
    let configuration: ClientConfiguration

    func next() async throws -> WAWa6_ClientPayload {
        guard let device = try await devices.device(session: session) else { throw ClientError.loggedOut }
        if let jid = device.jid.flatMap({ try? JID(parsing: $0) }), let user = UInt64(jid.user) {
            return .login(username: user, device: UInt32(jid.device), version: configuration.version)
        }
        let identity = try await signal.localIdentity()
        guard let signedPreKey = try await signal.signedPreKey(id: device.signedPreKeyID) else {
            throw ClientError.loggedOut
        }
        return .registration(
            registrationID: try await signal.localRegistrationID(), identityKey: identity.publicKey.bytes,
            signedPreKeyID: signedPreKey.id, signedPreKey: signedPreKey.keyPair.publicKey.bytes,
            signedPreKeySignature: signedPreKey.signature,
            deviceProps: .companion(osName: configuration.osName), version: configuration.version)
    }
}
