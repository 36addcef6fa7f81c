import Foundation
import Logging
import WABinary
import WACrypto
import WAProto
import WASocket
import WATransport

/// One client connection after the Noise handshake: it answers the ClientPayload (QR refs for
/// a registration, `<success>` or `<failure>` for a login) and then the client's stanzas.
/// Anything malformed ends the connection, as the real server does.
actor SandboxConnection {
    private let noise: NoiseConnection
    private let registry: DeviceRegistry
    private let clientStaticKey: [UInt8]
    private let configuration: SandboxConfiguration
    private let logger: Logger
    private let hangUpSignal: AsyncStream<Void>.Continuation

    /// Yields once the server has decided to close: `serve` waits `hangUpDelay` for the client
    /// to hang up first, then closes.
    let hangUpRequests: AsyncStream<Void>

    /// The device logged in on this connection.
    private(set) var device: JID?
    /// A passive connection holds stanzas back until the client sends `<active/>`.
    private var passive = false
    private var held: [Node] = []
    /// Whether the client registered as a new device: it may send stanzas before any login.
    private var registering = false

    init(
        noise: NoiseConnection, registry: DeviceRegistry, clientStaticKey: [UInt8], configuration: SandboxConfiguration,
        logger: Logger
    ) {
        self.noise = noise
        self.registry = registry
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
        case .registration:
            registering = true
            try await sendPairDevice()
        case .login(let jid, let passive):
            try await logIn(jid, passive: passive)
        }
    }

    /// Called once the connection is gone.
    func closed() async {
        if let device { await registry.logOut(device, from: self) }
    }

    /// Sends a stream error now (even to a passive connection) and hangs up.
    func end(with error: StreamError) async throws {
        try await noise.send(error.node.encodedFrame())
        hangUpSignal.yield()
    }

    /// Sends a stanza, or holds it while the connection is passive.
    func deliver(_ node: Node) async throws {
        if passive {
            held.append(node)
        } else {
            try await noise.send(node.encodedFrame())
        }
    }

    // MARK: Login and registration

    private func logIn(_ jid: JID, passive: Bool) async throws {
        guard let known = await registry.device(jid), known.noiseKey == clientStaticKey else {
            logger.info("refused a login", metadata: ["jid": "\(jid)"])
            try await fail(reason: 401)
            return
        }
        device = jid
        self.passive = passive
        if let replaced = await registry.logIn(jid, on: self) {
            try? await replaced.end(with: .replaced)
        }
        let now = String(Int(Date().timeIntervalSince1970))
        var attributes: Attributes = [
            "t": .string(now), "props": "1", "abprops": "1", "location": "sandbox", "creation": .string(now),
        ]
        if let lid = known.lid {
            attributes["lid"] = .jid(JID(user: lid.user, server: JID.lidServer, device: jid.device))
        }
        try await noise.send(Node(tag: "success", attributes: attributes).encodedFrame())
    }

    private func sendPairDevice() async throws {
        let id = Self.randomID()
        let refs = (0..<configuration.pairingRefCount).map { _ in
            Node(tag: "ref", content: .bytes(Array("2@\(Data(randomBytes(24)).base64EncodedString())".utf8)))
        }
        let iq = Node(
            tag: "iq", attributes: ["from": .jid(Self.server), "type": "set", "id": .string(id), "xmlns": "md"],
            content: .nodes([Node(tag: "pair-device", content: .nodes(refs))]))
        try await noise.send(iq.encodedFrame())
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
        guard device != nil || registering else { throw SandboxError.stanzaBeforeLogin }
        switch node.tag {
        case "iq": try await handleIQ(node)
        default: logger.debug("ignored a stanza", metadata: ["tag": "\(node.tag)"])
        }
    }

    private func handleIQ(_ iq: Node) async throws {
        guard let id = iq["id"], let type = iq["type"]?.description else {
            try await end(with: .malformedStanza)
            return
        }
        let xmlns = iq["xmlns"]?.description
        let child = iq.children.first?.tag
        switch (type, xmlns, child) {
        case ("result", _, _), ("error", _, _):
            break
        case ("get", "w:p", "ping"):
            // A sandbox configured not to answer lets clients test their dead-connection detection.
            if configuration.answersPings { try await answer(iq, id: id) }
        case ("set", "passive", "active"):
            try await answer(iq, id: id)
            try await becomeActive()
        case ("set", "passive", "passive"):
            try await answer(iq, id: id)
            passive = true
        default:
            try await noise.send(
                Node(
                    tag: "iq", attributes: ["from": .jid(Self.server), "id": id, "type": "error"],
                    content: .nodes([Node(tag: "error", attributes: ["code": "501", "text": "feature-not-implemented"])])
                ).encodedFrame())
        }
    }

    /// Flushes the held stanzas, then tells the client how many were offline.
    private func becomeActive() async throws {
        passive = false
        let flushed = held
        held = []
        for node in flushed { try await noise.send(node.encodedFrame()) }
        let offline = Node(tag: "offline", attributes: ["count": .string(String(flushed.count))])
        try await noise.send(Node(tag: "ib", content: .nodes([offline])).encodedFrame())
    }

    private func answer(_ iq: Node, id: AttributeValue) async throws {
        try await noise.send(
            Node(tag: "iq", attributes: ["from": .jid(Self.server), "id": id, "type": "result"]).encodedFrame())
    }

    /// `s.whatsapp.net` as a JID value: clients ignore a plain string `from`.
    static let server = JID(user: "", server: JID.userServer)

    static func randomID() -> String {
        Hex.string(randomBytes(8)).uppercased()
    }
}

/// Why the sandbox dropped a connection.
enum SandboxError: Error, Sendable {
    /// The client sent a stanza although it neither logged in nor registered.
    case stanzaBeforeLogin
}
