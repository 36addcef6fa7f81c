import Foundation
import Logging
import Testing
import WABinary
import WACrypto
import WAPairing
import WAProto
import WASocket
import WATransport
import WagoSandbox

/// A minimal companion written for the tests with WAPairing's companion side: it registers,
/// acknowledges pair-device and keeps the refs, asks for pair codes, accepts pair-success (or
/// refuses it when the ADV secret does not match), and logs in once linked.
final class TestCompanion: Sendable {
    /// What the companion learns while it runs.
    actor State {
        var refs: [String] = []
        /// The secret its QR shows, replaced by the pair-code one once that exchange ran.
        var advSecret = randomBytes(32)
        /// Set once it accepted pair-success: later connections log in.
        var linkedJID: JID?
        var pairCode: (companion: PairCodeCompanion, pairingRef: [UInt8])?

        func setRefs(_ refs: [String]) { self.refs = refs }
        func setAdvSecret(_ secret: [UInt8]) { advSecret = secret }
        func setLinked(_ jid: JID) { linkedJID = jid }
        func setPairCode(_ companion: PairCodeCompanion, _ ref: [UInt8]) { pairCode = (companion, ref) }
    }

    let device: TestDevice
    let state: State
    let socket: WhatsAppSocket
    let log = EventLog()

    init(_ info: SandboxInfo) {
        let device = TestDevice()
        let state = State()
        self.device = device
        self.state = state
        socket = WhatsAppSocket(
            settings: .sandbox(info), noiseKey: device.noiseKey, logger: Logger(label: "test-companion")
        ) {
            guard let jid = await state.linkedJID else { return try device.registration() }
            return .login(username: UInt64(jid.user) ?? 0, device: UInt32(jid.device))
        }
    }

    /// The QR text for ref `index` of the pair-device it was shown.
    func qr(ref index: Int = 0, identity: [UInt8]? = nil, advSecret: [UInt8]? = nil) async throws -> String {
        let refs = try await waitForRefs()
        let secret = await state.advSecret
        return PairingQR(
            ref: try #require(refs.indices.contains(index) ? refs[index] : nil),
            noisePublicKey: device.noiseKey.publicKey.bytes, identityPublicKey: identity ?? device.identityKey.publicKey.bytes,
            advSecret: advSecret ?? secret, clientType: "1"
        ).text
    }

    func waitForRefs() async throws -> [String] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let refs = await state.refs
            if !refs.isEmpty { return refs }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("no pair-device arrived")
        throw CancellationError()
    }

    /// Sends companion_hello for `phone` and returns the code to enter on the phone.
    func requestPairCode(phone: String) async throws -> String {
        _ = try await waitForRefs()
        let companion = try PairCodeCompanion(phone: JID(user: phone, server: JID.userServer))
        let answer = try await socket.sendIQ(
            companion.helloRequest(
                noisePublicKey: device.noiseKey.publicKey.bytes, clientType: "1", displayName: "Chrome (Linux)",
                showPushNotification: true))
        await state.setPairCode(companion, try PairCodeCompanion.pairingRef(inHelloAnswer: answer))
        return PairCode.display(companion.code)
    }

    /// Runs the companion while `body` runs, then disconnects it.
    func run<Result: Sendable>(_ body: () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.socket.run() }
            group.addTask {
                for await event in self.socket.events {
                    await self.log.append(event)
                    if case .node(let node) = event { try await self.react(to: node) }
                }
            }
            defer { group.cancelAll() }
            let result = try await body()
            await socket.disconnect()
            return result
        }
    }

    /// The companion's side of pairing.
    private func react(to node: Node) async throws {
        if let refs = PairDevice.refs(in: node) {
            try await socket.send(
                Node(tag: "iq", attributes: ["to": .jid(JID(user: "", server: JID.userServer)), "id": node["id"] ?? "", "type": "result"]))
            await state.setRefs(refs)
        } else if let success = try PairSuccess.parse(node) {
            let advSecret = await state.advSecret
            let reply: Node
            do throws(PairingError) {
                let linked = try CompanionPairing.accept(success, advSecret: advSecret, identity: device.identityKey)
                await state.setLinked(success.deviceJID)
                reply = linked.reply
            } catch {
                reply = CompanionPairing.refusal(iqID: success.iqID, error)
            }
            try await socket.send(reply)
        } else if node.tag == "notification", let pairCode = await state.pairCode {
            let finish = try pairCode.companion.finish(
                notification: node, identity: device.identityKey, pairingRef: pairCode.pairingRef)
            await state.setAdvSecret(finish.advSecret)
            let answer = try await socket.sendIQ(finish.request)
            #expect(answer["type"]?.description == "result")
        }
    }
}
