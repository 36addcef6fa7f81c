import Foundation
import SwiftProtobuf
import Testing
import WACrypto
import WAProto
import WASocket

/// One direction of an in-memory byte pipe: an async queue of messages.
private actor Mailbox {
    private var messages: [[UInt8]] = []
    private var waiters: [CheckedContinuation<[UInt8]?, Never>] = []
    private var closed = false

    func put(_ bytes: [UInt8]) {
        if waiters.isEmpty { messages.append(bytes) } else { waiters.removeFirst().resume(returning: bytes) }
    }

    func close() {
        closed = true
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters = []
    }

    func take() async -> [UInt8]? {
        if !messages.isEmpty { return messages.removeFirst() }
        if closed { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

private struct PipeEnd: NoiseByteStream {
    let inbox: Mailbox
    let outbox: Mailbox
    func send(_ bytes: [UInt8]) async throws { await outbox.put(bytes) }
    func receive() async throws -> [UInt8]? { await inbox.take() }
}

@Suite("Handshake over a byte stream")
struct HandshakeDriverTests {
    @Test("client and server complete the handshake and exchange frames both ways")
    func roundTrip() async throws {
        let root = Curve25519KeyPair.generate()
        let intermediate = Curve25519KeyPair.generate()
        let serverStatic = Curve25519KeyPair.generate()
        let now = UInt64(Date().timeIntervalSince1970)
        let chain = try CertificateChainIssuer.makeChain(
            rootKey: root, intermediateKey: intermediate, serverStaticKey: serverStatic.publicKey.bytes,
            leafSerial: 2, validity: (now - 60)...(now + 3600))
        let toServer = Mailbox()
        let toClient = Mailbox()
        let clientEnd = PipeEnd(inbox: toClient, outbox: toServer)
        let serverEnd = PipeEnd(inbox: toServer, outbox: toClient)
        let noiseKey = Curve25519KeyPair.generate()

        async let accepted = NoiseHandshakeDriver.accept(
            over: serverEnd,
            responder: NoiseResponder(staticKey: serverStatic, certificateChain: try chain.serializedBytes()))
        var client = try await NoiseHandshakeDriver.connect(
            over: clientEnd,
            initiator: NoiseInitiator(noiseKey: noiseKey, verifier: CertificateChainVerifier(rootKey: root.publicKey.bytes)),
            payload: .login(username: 15_550_001_234, device: 3))
        var (server, clientStatic, payload) = try await accepted
        #expect(clientStatic == noiseKey.publicKey.bytes)
        #expect(payload.username == 15_550_001_234 && payload.device == 3)

        // Two client frames in one message, then a server frame split in two messages.
        let merged = try client.seal([0x00, 0x01]) + client.seal([0x00, 0x02])
        #expect(try server.open(merged) == [[0x00, 0x01], [0x00, 0x02]])
        let reply = try server.seal([UInt8](repeating: 0x33, count: 1000))
        #expect(try client.open(reply.prefix(10)) == [])
        #expect(try client.open(reply.dropFirst(10)) == [[UInt8](repeating: 0x33, count: 1000)])
    }

    @Test("a client refuses a server whose chain is signed by another root")
    func wrongRoot() async throws {
        let root = Curve25519KeyPair.generate()
        let serverStatic = Curve25519KeyPair.generate()
        let chain = try CertificateChainIssuer.makeChain(
            rootKey: root, intermediateKey: .generate(), serverStaticKey: serverStatic.publicKey.bytes,
            leafSerial: 2, validity: 0...UInt64(Int64.max))
        var responder = NoiseResponder(staticKey: serverStatic, certificateChain: try chain.serializedBytes())
        var initiator = NoiseInitiator(noiseKey: .generate())  // the production root
        try responder.readClientHello(try initiator.makeClientHello())
        let hello = try responder.makeServerHello()
        #expect(throws: NoiseError.certificate(.intermediateSignatureInvalid)) { try initiator.readServerHello(hello) }
    }

    @Test("tampered handshake bytes and out-of-order steps are rejected")
    func tamperingAndOrder() throws {
        let root = Curve25519KeyPair.generate()
        let serverStatic = Curve25519KeyPair.generate()
        let chain = try CertificateChainIssuer.makeChain(
            rootKey: root, intermediateKey: .generate(), serverStaticKey: serverStatic.publicKey.bytes,
            leafSerial: 2, validity: 0...UInt64(Int64.max))
        var responder = NoiseResponder(staticKey: serverStatic, certificateChain: try chain.serializedBytes())
        var initiator = NoiseInitiator(
            noiseKey: .generate(), verifier: CertificateChainVerifier(rootKey: root.publicKey.bytes))
        #expect(throws: NoiseError.unexpectedMessage("client finish not possible now")) {
            try initiator.makeClientFinish(payload: [])
        }
        try responder.readClientHello(try initiator.makeClientHello())
        var hello = try responder.makeServerHello()
        hello.serverHello.payload[5] ^= 0x01
        #expect(throws: NoiseError.decryptionFailed) { try initiator.readServerHello(hello) }

        var transport = try NoiseTransport(writeKey: Array(repeating: 1, count: 32), readKey: Array(repeating: 1, count: 32))
        var frame = try transport.encrypt([1, 2, 3])
        frame[0] ^= 0xFF
        #expect(throws: NoiseError.decryptionFailed) { try transport.decrypt(frame) }
        #expect(throws: NoiseError.decryptionFailed) { try transport.decrypt([1, 2]) }
    }
}
