import Foundation
import Logging
import NIOCore
import WABinary
import WACrypto
import WAMessaging
import WAPairing
import WAProto
import WASocket
import WATransport

/// One client connection after the Noise handshake: it answers the ClientPayload (QR refs for
/// a registration, `<success>` or `<failure>` for a login) and then the client's stanzas.
/// Anything malformed ends the connection, as the real server does.
actor SandboxConnection {
    /// A stanza the linking flow waits for.
    enum Awaited: Hashable, Sendable {
        /// The client's `result` or `error` for the iq we sent with this id.
        case answer(id: String)
        /// The pair-code companion's `link_code_companion_reg stage=companion_finish` iq.
        case companionFinish
    }

    private let noise: NoiseConnection
    private let accounts: AccountStore
    private let connections: ConnectionRegistry
    private let router: MessageRouter
    private let presence: PresenceRouter
    private let historySync: HistorySyncSender
    private let media: MediaHost
    /// The X25519 key the client proved in the handshake.
    let clientStaticKey: [UInt8]
    private let configuration: SandboxConfiguration
    private let logger: Logger
    private let hangUpSignal: AsyncStream<Void>.Continuation

    /// Yields once the server has decided to close: `serve` waits `hangUpDelay` for the client
    /// to hang up first, then closes.
    let hangUpRequests: AsyncStream<Void>

    /// The device logged in on this connection.
    private(set) var device: JID?
    /// A passive connection holds stanzas back until the client sends `<active/>`; so does a
    /// login until it took over its offline queue.
    private var passive = false
    private var takingOverOfflineQueue = false
    /// Ring buffers, as both are taken from the front: a backlog of thousands flushes in
    /// linear time.
    private var held = CircularBuffer<Node>()
    /// Stanzas sent that the device must `<ack>`, oldest first: like WhatsApp, the server
    /// keeps them until then, and a connection that ends returns them to the offline queue.
    /// Acks come in order, so the one released is nearly always the first.
    private var unacked = CircularBuffer<(key: String, stanza: Node)>()
    /// What a new device registered; it may send stanzas before any login.
    private(set) var registration: CompanionRegistration?
    /// The companion_hello of a device that asked for a pair code, and the ref we answered.
    private(set) var pairCodeRequest: (hello: CompanionHello, pairingRef: [UInt8])?
    /// Whether a phone is linking this device right now (one at a time).
    private var linking = false
    private var isClosed = false
    private var awaited: [Awaited: AsyncThrowingStream<Node, any Error>.Continuation] = [:]

    init(
        noise: NoiseConnection, router: MessageRouter, presence: PresenceRouter, historySync: HistorySyncSender,
        media: MediaHost, clientStaticKey: [UInt8], configuration: SandboxConfiguration, logger: Logger
    ) {
        self.noise = noise
        self.router = router
        self.presence = presence
        self.historySync = historySync
        self.media = media
        accounts = router.accounts
        connections = router.connections
        self.clientStaticKey = clientStaticKey
        self.configuration = configuration
        self.logger = logger
        (hangUpRequests, hangUpSignal) = AsyncStream.makeStream()
    }

    /// Answers the ClientPayload. A malformed one is thrown, which closes the connection.
    func start(with payload: WAWa6_ClientPayload) async throws {
        let request: ClientRequest
        do {
            request = try ClientRequest(checking: payload, minimumVersion: configuration.minimumVersion)
        } catch .outdated(let version) {
            logger.info("refused an outdated client", metadata: ["version": "\(version)"])
            try await fail(reason: 405)
            return
        }
        switch request {
        case .registration(let registration):
            self.registration = registration
            try await sendPairDevice()
        case .login(let jid, let passive):
            try await logIn(jid, passive: passive)
        }
    }

    /// Called once the connection is gone: waiters fail, refs expire, the login ends, and
    /// stanzas still held go back to the device's offline queue.
    func closed() async {
        isClosed = true
        for sink in awaited.values { sink.finish(throwing: SandboxError.connectionClosed) }
        awaited = [:]
        if let device {
            await connections.logOut(device, from: self)
            await presence.disconnected(device)
            let unsent = surrender()
            do {
                if !unsent.isEmpty { try await router.offline.putBack(unsent, for: device) }
            } catch {
                logger.error("lost held stanzas", metadata: ["device": "\(device)", "error": "\(error)"])
            }
        }
        if registration != nil { await connections.registrationEnded(self) }
    }

    /// Sends a stream error now (even to a passive connection) and hangs up.
    func end(with error: StreamError) async throws {
        try await noise.send(error.node.encodedFrame())
        hangUpSignal.yield()
    }

    /// Sends a stanza to the logged-in device, or holds it while the connection is passive or
    /// taking over its offline queue.
    /// - Returns: false when the connection is closed or sending failed (the caller queues it).
    func deliver(_ node: Node) async -> Bool {
        guard !isClosed, device != nil else { return false }
        if passive || takingOverOfflineQueue {
            held.append(node)
            return true
        }
        do {
            try await sendKeepingUntilAcked(node)
            return true
        } catch {
            return false
        }
    }

    /// Gives up what this connection still owes its device, in order: the sent stanzas not
    /// acked yet, then the held ones. For the offline queue, or the login that replaces this one.
    func surrender() -> [Node] {
        let owed = unacked.map(\.stanza) + held
        unacked.removeAll()
        held.removeAll()
        return owed
    }

    /// Sends `node`; a message, receipt or notification is kept until the device acks it. It is
    /// kept before it goes out, as the ack may come in while this actor waits on the send.
    private func sendKeepingUntilAcked(_ node: Node) async throws {
        let key = Self.ackKey(of: node)
        if let key { unacked.append((key, node)) }
        do {
            try await noise.send(node.encodedFrame())
        } catch {
            if let key, let index = unacked.lastIndex(where: { $0.key == key }) { unacked.remove(at: index) }
            throw error
        }
    }

    /// A device's `<ack class id to [participant]>` releases the stanza it answers.
    private func acknowledged(_ ack: Node) {
        guard let key = Self.ackKey(class: ack["class"], id: ack["id"], peer: ack["to"], participant: ack["participant"]),
            let index = unacked.firstIndex(where: { $0.key == key })
        else { return }
        unacked.remove(at: index)
    }

    /// What the device's ack of `stanza` names; nil for stanzas that get no ack.
    private static func ackKey(of stanza: Node) -> String? {
        guard ["message", "receipt", "notification"].contains(stanza.tag) else { return nil }
        return ackKey(class: .string(stanza.tag), id: stanza["id"], peer: stanza["from"], participant: stanza["participant"])
    }

    private static func ackKey(
        class tag: AttributeValue?, id: AttributeValue?, peer: AttributeValue?, participant: AttributeValue?
    ) -> String? {
        guard let tag, let id, let peer else { return nil }
        return [tag.description, id.description, peer.description, participant?.description ?? ""].joined(separator: " ")
    }

    // MARK: Linking

    /// Claims this registering connection for one linking attempt.
    /// - Returns: false when it is not registering, is closed, or is being linked already.
    func beginLinking() -> Bool {
        guard registration != nil, !isClosed, !linking else { return false }
        linking = true
        return true
    }

    /// Releases the claim after a failed attempt, so that the phone may try again.
    func endLinking() {
        linking = false
    }

    /// Sends `node` and waits up to `timeout` for the stanza `what` names.
    /// - Throws: `SandboxError.connectionClosed`, `DeadlineExceeded`.
    func send(_ node: Node, thenAwait what: Awaited, timeout: Duration) async throws -> Node {
        guard !isClosed else { throw SandboxError.connectionClosed }
        let (stanzas, sink) = AsyncThrowingStream<Node, any Error>.makeStream()
        awaited[what] = sink
        defer { awaited[what] = nil }
        try await noise.send(node.encodedFrame())
        return try await withDeadline(timeout, "\(what)") {
            for try await stanza in stanzas { return stanza }
            throw SandboxError.connectionClosed
        }
    }

    // MARK: Login and registration

    private func logIn(_ jid: JID, passive: Bool) async throws {
        guard let known = await accounts.companion(jid), Array(known.device.noiseKey) == clientStaticKey else {
            logger.info("refused a login", metadata: ["jid": "\(jid)"])
            try await fail(reason: 401)
            return
        }
        device = jid
        self.passive = passive
        takingOverOfflineQueue = true
        var owedByReplaced: [Node] = []
        if let replaced = await connections.logIn(jid, on: self) {
            owedByReplaced = await replaced.surrender()
            try? await replaced.end(with: .replaced)
        }
        let now = String(Int(Date().timeIntervalSince1970))
        let attributes: Attributes = [
            "t": .string(now), "props": "1", "abprops": "1", "location": "sandbox", "creation": .string(now),
            // The device-level LID: whatsmeow clears the LID it stored at pairing otherwise.
            "lid": .jid(JID(user: known.lid.user, server: JID.lidServer, device: jid.device)),
        ]
        try await noise.send(Node(tag: "success", attributes: attributes).encodedFrame())
        try await takeOverOfflineQueue(of: jid, owedByReplaced: owedByReplaced)
    }

    /// Puts what the replaced login still owed the device, then what waited for it, in front of
    /// what arrived since the login; a login that is not passive gets it at once.
    private func takeOverOfflineQueue(of jid: JID, owedByReplaced: [Node]) async throws {
        var waiting: [Node] = []
        do {
            waiting = try await router.offline.takeAll(for: jid)
        } catch {
            logger.error("could not take over the offline queue", metadata: ["device": "\(jid)", "error": "\(error)"])
        }
        held = CircularBuffer(owedByReplaced + waiting + held)
        takingOverOfflineQueue = false
        if !passive { try await flushHeld() }
    }

    private func sendPairDevice() async throws {
        let refs = (0..<configuration.pairingRefCount).map { _ in PairDevice.freshRef() }
        await connections.issue(
            refs, to: self, firstLifetime: configuration.firstRefLifetime, rotation: configuration.refRotation)
        try await noise.send(PairDevice.request(id: Self.randomID(), refs: refs).encodedFrame())
    }

    /// `<failure reason=N>`, then hang up.
    private func fail(reason: Int) async throws {
        try await noise.send(Node(tag: "failure", attributes: ["reason": .string(String(reason))]).encodedFrame())
        hangUpSignal.yield()
    }

    // MARK: Stanzas from the client

    /// Handles one decrypted frame. A frame that is not a node, or a stanza before login or
    /// registration, ends the connection.
    func handle(_ frame: [UInt8]) async throws {
        let node = try Node(frame: frame)
        guard device != nil || registration != nil else { throw SandboxError.stanzaBeforeLogin }
        switch node.tag {
        case "iq": try await handleIQ(node)
        case "message": try await handleMessage(node)
        case "receipt" where node["type"]?.description == "hist_sync":
            if let device { await historySync.acknowledged(node, from: device) }
        case "receipt" where node["type"]?.description == "retry":
            if let device { await router.relayRetry(node, from: device) }
        case "receipt" where node["type"]?.description == "server-error":
            if let device { await router.phoneAnswerMediaRetry(node, from: device, media: media) }
        case "receipt": await handleReceipt(node)
        case "presence", "chatstate": if let device { await presence.handle(node, from: device) }
        case "ack": acknowledged(node)
        default: logger.debug("ignored a stanza", metadata: ["tag": "\(node.tag)"])
        }
    }

    private func handleIQ(_ iq: Node) async throws {
        guard let id = iq["id"], let type = iq["type"]?.description else {
            try await end(with: .malformedStanza)
            return
        }
        let xmlns = iq["xmlns"]?.description
        let child = iq.children.first
        do {
            switch (type, xmlns, child?.tag) {
            case ("result", _, _), ("error", _, _):
                awaited[.answer(id: id.description)]?.yield(iq)
            case ("get", "w:p", "ping"):
                // A sandbox configured not to answer lets clients test their dead-connection detection.
                if configuration.answersPings { try await answer(id) }
            case ("set", "passive", "active"):
                try await answer(id)
                try await becomeActive()
            case ("get", "usync", "usync"):
                try await answerDeviceList(iq)
            case ("get", "w:g2", "query"):
                guard let device else { throw IQRefusal.notAuthorized("w:g2 before login") }
                try await noise.send(try await router.groupInfo(iq, asker: device).encodedFrame())
            case ("set", "passive", "passive"):
                try await answer(id)
                passive = true
            case ("set", "md", "link_code_companion_reg"):
                try await handleLinkCode(iq, id: id)
            case ("set", "md", "remove-companion-device"):
                try await removeSelf(child, id: id)
            case ("set", "w:m", "media_conn"):
                try await answer(id, [try await media.connectionNode()])
            case (_, "encrypt", _):
                try await handleEncrypt(iq, type: type, id: id)
            default:
                throw IQRefusal.notImplemented("\(type) \(xmlns ?? "-") \(child?.tag ?? "-")")
            }
        } catch let refusal as IQRefusal {
            logger.info("refused an iq", metadata: ["reason": "\(refusal.reason)"])
            try await noise.send(
                Node(
                    tag: "iq", attributes: ["from": .jid(Self.server), "id": id, "type": "error"],
                    content: .nodes([refusal.node])
                ).encodedFrame())
        }
    }

    private func becomeActive() async throws {
        passive = false
        if !takingOverOfflineQueue { try await flushHeld() }
    }

    /// Sends the held stanzas, then tells the client how many were offline
    /// (`<ib><offline count=N/>`). One that fails to go out stays held, for the queue.
    private func flushHeld() async throws {
        var count = 0
        while let next = held.first {
            try await sendKeepingUntilAcked(next)
            held.removeFirst()
            count += 1
        }
        let offline = Node(tag: "offline", attributes: ["count": .string(String(count))])
        try await noise.send(Node(tag: "ib", content: .nodes([offline])).encodedFrame())
    }

    /// `<iq type=result from=s.whatsapp.net id=…>` with `children`.
    private func answer(_ id: AttributeValue, _ children: [Node] = []) async throws {
        try await noise.send(
            Node(
                tag: "iq", attributes: ["from": .jid(Self.server), "id": id, "type": "result"],
                content: children.isEmpty ? .none : .nodes(children)
            ).encodedFrame())
    }

    // MARK: Pair code

    /// `companion_hello` is answered at once with a pairing ref (the phone picks it up when the
    /// user enters the code); `companion_finish` goes to the waiting linking flow.
    private func handleLinkCode(_ iq: Node, id: AttributeValue) async throws {
        guard registration != nil else { throw IQRefusal.notAuthorized("pair code from a device that is not registering") }
        let stage = iq.child(tagged: "link_code_companion_reg")?["stage"]?.description
        switch stage {
        case "companion_hello":
            let hello: CompanionHello
            do {
                guard let parsed = try CompanionHello.parse(iq) else { throw IQRefusal.badRequest("companion_hello") }
                hello = parsed
            } catch let error as PairingError {
                throw IQRefusal.badRequest("companion_hello: \(error)")
            }
            guard hello.noisePublicKey == clientStaticKey else {
                throw IQRefusal.badRequest("companion_server_auth_key_pub is not the connection's Noise key")
            }
            let pairingRef = Array(PairDevice.freshRef().utf8)
            pairCodeRequest = (hello, pairingRef)
            await connections.requestPairCode(phone: hello.phone.user, on: self)
            try await answer(
                id,
                [
                    Node(
                        tag: "link_code_companion_reg",
                        content: .nodes([Node(tag: "link_code_pairing_ref", content: .bytes(pairingRef))]))
                ])
        case "companion_finish":
            guard let waiter = awaited[.companionFinish] else {
                throw IQRefusal.notFound("companion_finish without a primary_hello")
            }
            try await answer(id)
            waiter.yield(iq)
        default:
            throw IQRefusal.badRequest("link_code_companion_reg stage \(stage ?? "missing")")
        }
    }

    // MARK: Logged-in devices

    /// A 1:1 `<message>`: handed to each addressed device (its connection, its offline queue,
    /// or its virtual phone's lane, which decrypts later), then acknowledged with the server
    /// time, so an ack means the server holds the message but not that a device has it, as
    /// on WhatsApp; a refused one is acknowledged with an `error` code.
    private func handleMessage(_ message: Node) async throws {
        guard message["id"] != nil else {
            try await end(with: .malformedStanza)
            return
        }
        let routed: RoutedMessage
        do throws(MessageRefusal) {
            guard let device else { throw .notAuthorized("message before login") }
            routed = try await router.checkMessageOrResend(message, from: device)
        } catch {
            logger.info("refused a message", metadata: ["reason": "\(error.reason)"])
            try await noise.send(error.ack(for: message, timestamp: Int64(Date().timeIntervalSince1970)).encodedFrame())
            return
        }
        await router.deliver(routed)
        try await noise.send(routed.ack.encodedFrame())
    }

    /// `<receipt id to [type]>`: forwarded to the original sender's devices; a bad one is dropped.
    private func handleReceipt(_ receipt: Node) async {
        do throws(MessageRefusal) {
            guard let device else { throw .notAuthorized("receipt before login") }
            try await router.forward(receipt: receipt, from: device)
        } catch {
            logger.info("dropped a receipt", metadata: ["reason": "\(error.reason)"])
        }
    }

    /// usync device lists: device 0 and the linked companions of each account asked about,
    /// and each phone number's LID when asked for.
    private func answerDeviceList(_ iq: Node) async throws {
        guard device != nil else { throw IQRefusal.notAuthorized("usync before login") }
        guard let users = DeviceListQuery.users(in: iq) else {
            throw IQRefusal.notImplemented("usync without a devices query")
        }
        var deviceIDs: [JID: [UInt16]] = [:]
        var lids: [JID: JID] = [:]
        for user in users {
            deviceIDs[user] = await router.deviceIDs(of: user)
            lids[user] = await router.lid(of: user)
        }
        try await noise.send(
            DeviceListQuery.answer(to: iq, deviceIDs: { deviceIDs[$0] ?? [] }, lid: { lids[$0] }).encodedFrame())
    }

    /// `<remove-companion-device jid reason>`: a companion logging itself out.
    private func removeSelf(_ request: Node?, id: AttributeValue) async throws {
        guard let device else { throw IQRefusal.notAuthorized("logout before login") }
        guard request?["jid"]?.jid == device else { throw IQRefusal.forbidden("a companion may remove only itself") }
        do {
            try await accounts.removeCompanion(device)
        } catch {
            throw IQRefusal.internalError("\(error)")
        }
        await router.announceUnlinked(device)
        guard configuration.answersLogout else {
            hangUpSignal.yield()
            return
        }
        try await answer(id)
        try await end(with: .deviceRemoved)
    }

    /// Prekey upload, count, signed prekey rotation and key bundle fetches.
    private func handleEncrypt(_ iq: Node, type: String, id: AttributeValue) async throws {
        guard let device else { throw IQRefusal.notAuthorized("encrypt before login") }
        switch (type, iq.children.first?.tag) {
        case ("set", "rotate"):
            guard let identity = await accounts.keys(of: device)?.identity else { throw IQRefusal.notFound("\(device)") }
            let signed = try PreKeyStanzas.signedPreKey(
                iq.child(tagged: "rotate")?.child(tagged: "skey"), identity: Array(identity))
            try await updateKeys(of: device) { $0.signedPreKey = signed }
            try await answer(id)
        case ("set", _):
            let upload = try PreKeyStanzas.upload(iq)
            guard let known = await accounts.keys(of: device) else { throw IQRefusal.notFound("\(device)") }
            guard upload.identity == Array(known.identity) else {
                throw IQRefusal.badRequest("uploaded identity is not the one the device registered")
            }
            try await updateKeys(of: device) {
                $0.registrationID = upload.registrationID
                $0.signedPreKey = upload.signedPreKey
                $0.add(upload.preKeys)
            }
            try await answer(id)
        case ("get", "count"):
            let count = await accounts.keys(of: device)?.preKeys.count ?? 0
            try await answer(id, [Node(tag: "count", attributes: ["value": .string(String(count))])])
        case ("get", "key"):
            let devices = try PreKeyStanzas.requestedUsers(iq.child(tagged: "key") ?? Node(tag: "key"))
            try await answer(id, [try await PreKeyStanzas.claim(devices, from: accounts)])
        default:
            throw IQRefusal.notImplemented("encrypt \(type) \(iq.children.first?.tag ?? "-")")
        }
    }

    private func updateKeys(of device: JID, _ update: @Sendable (inout PublishedKeys) -> Void) async throws(IQRefusal) {
        do {
            try await accounts.updateKeys(of: device, update)
        } catch {
            throw .internalError("\(error)")
        }
    }

    /// `s.whatsapp.net` as a JID value: clients ignore a plain string `from`.
    static let server = JID(user: "", server: JID.userServer)

    static func randomID() -> String {
        Hex.string(randomBytes(8)).uppercased()
    }
}

/// Why the sandbox dropped a connection, or a flow waiting on one gave up.
enum SandboxError: Error, Sendable {
    /// The client sent a stanza although it neither logged in nor registered.
    case stanzaBeforeLogin
    /// The connection closed while the sandbox waited for a stanza on it.
    case connectionClosed
}
