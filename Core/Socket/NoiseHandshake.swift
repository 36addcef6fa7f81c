import Crypto
import Foundation
import SwiftProtobuf
import WACrypto
import WAProto

/// Noise_XX_25519_AESGCM_SHA256 as WhatsApp runs it:
///
///     -> e
///     <- e, ee, s, es, payload(CertChain)
///     -> s, se, payload(ClientPayload)
///
/// with one deviation from the Noise spec: message 1's empty payload is not mixed into `h`.
/// The protocol name is exactly 32 bytes, so `h = ck = name` without hashing.
enum NoiseProtocol {
    static let name: [UInt8] = Array("Noise_XX_25519_AESGCM_SHA256\0\0\0\0".utf8)
    static let keySize = 32
}

/// Noise's SymmetricState: the handshake hash `h`, chaining key `ck` and the current cipher.
struct NoiseSymmetricState: Sendable {
    private(set) var hash: [UInt8]
    private(set) var chainingKey: [UInt8]
    private var key: AESGCMKey?
    private var counter: UInt32 = 0

    init(prologue: [UInt8]) {
        hash = NoiseProtocol.name
        chainingKey = NoiseProtocol.name
        mixHash(prologue)
    }

    mutating func mixHash<Bytes: DataProtocol>(_ data: Bytes) {
        var hasher = SHA256()
        hasher.update(data: hash)
        hasher.update(data: data)
        hash = Array(hasher.finalize())
    }

    /// `(ck, k) = HKDF(salt: ck, ikm: dh)`; the nonce counter restarts with the new key.
    mutating func mixKey(_ inputKeyMaterial: [UInt8]) throws(NoiseError) {
        let output = HKDFSHA256.derive(inputKeyMaterial, salt: chainingKey, info: [UInt8](), count: 64)
        chainingKey = Array(output[..<32])
        do {
            key = try AESGCMKey(Array(output[32...]))
        } catch {
            throw .invalidKey
        }
        counter = 0
    }

    /// Encrypts with `h` as associated data, then mixes the ciphertext into `h`.
    mutating func encryptAndHash(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard let key else { throw .unexpectedMessage("encrypt before a key was mixed in") }
        let ciphertext = try key.seal(plaintext, counter: counter, authenticating: hash)
        counter += 1
        mixHash(ciphertext)
        return ciphertext
    }

    /// Decrypts with `h` as associated data, then mixes the ciphertext into `h`.
    mutating func decryptAndHash(_ ciphertext: [UInt8]) throws(NoiseError) -> [UInt8] {
        guard let key else { throw .unexpectedMessage("decrypt before a key was mixed in") }
        let plaintext = try key.open(ciphertext, counter: counter, authenticating: hash)
        counter += 1
        mixHash(ciphertext)
        return plaintext
    }

    /// The two transport keys: initiator-to-responder first, responder-to-initiator second.
    func split() -> (initiatorToResponder: [UInt8], responderToInitiator: [UInt8]) {
        let output = HKDFSHA256.derive([UInt8](), salt: chainingKey, info: [UInt8](), count: 64)
        return (Array(output[..<32]), Array(output[32...]))
    }
}

extension Curve25519KeyPair {
    /// X25519 with a peer key given as raw bytes, mapping failures to `NoiseError`.
    func noiseDH(_ theirs: [UInt8]) throws(NoiseError) -> [UInt8] {
        do {
            return try sharedSecret(with: Curve25519PublicKey(theirs))
        } catch {
            throw .invalidKey
        }
    }
}

/// The client (initiator) side of the handshake. Drive it in order: `makeClientHello`,
/// `readServerHello`, `makeClientFinish`. It performs no I/O.
public struct NoiseInitiator: Sendable {
    private enum Step { case clientHello, serverHello, clientFinish, done }

    private var step = Step.clientHello
    private var state: NoiseSymmetricState
    private let noiseKey: Curve25519KeyPair
    private let ephemeralKey: Curve25519KeyPair
    private let verifier: CertificateChainVerifier
    private var serverEphemeral: [UInt8] = []

    /// The server's static key, known once `readServerHello` succeeded.
    public private(set) var serverStaticKey: [UInt8]?

    /// - Parameters:
    ///   - noiseKey: the device's long-term Noise key pair (sent encrypted in message 3).
    ///   - ephemeralKey: fresh per connection; tests pass recorded keys.
    ///   - verifier: checks the server's certificate chain against a root key.
    ///   - prologue: mixed into `h` first; the connection header the client sent.
    public init(
        noiseKey: Curve25519KeyPair, ephemeralKey: Curve25519KeyPair = .generate(),
        verifier: CertificateChainVerifier = CertificateChainVerifier(), prologue: [UInt8] = WAFraming.header
    ) {
        self.noiseKey = noiseKey
        self.ephemeralKey = ephemeralKey
        self.verifier = verifier
        state = NoiseSymmetricState(prologue: prologue)
    }

    /// Message 1: the client's ephemeral key.
    public mutating func makeClientHello() throws(NoiseError) -> WAWa6_HandshakeMessage {
        guard step == .clientHello else { throw .unexpectedMessage("client hello already sent") }
        state.mixHash(ephemeralKey.publicKey.bytes)
        step = .serverHello
        var message = WAWa6_HandshakeMessage()
        message.clientHello.ephemeral = Data(ephemeralKey.publicKey.bytes)
        return message
    }

    /// Message 2: learns and authenticates the server's static key, verifying its certificate
    /// chain as of `now`.
    /// - Returns: the decrypted certificate chain.
    @discardableResult
    public mutating func readServerHello(
        _ message: WAWa6_HandshakeMessage, now: Date = Date()
    ) throws(NoiseError) -> WACert_CertChain {
        guard step == .serverHello else { throw .unexpectedMessage("server hello not expected now") }
        guard message.hasServerHello else { throw .unexpectedMessage("expected a server hello") }
        let hello = message.serverHello
        guard hello.ephemeral.count == NoiseProtocol.keySize else { throw .malformedMessage("server ephemeral") }
        guard hello.hasStatic, hello.hasPayload else { throw .malformedMessage("server hello lacks static or payload") }
        serverEphemeral = Array(hello.ephemeral)

        state.mixHash(serverEphemeral)
        try state.mixKey(try ephemeralKey.noiseDH(serverEphemeral))
        let serverStatic = try state.decryptAndHash(Array(hello.static))
        guard serverStatic.count == NoiseProtocol.keySize else { throw .malformedMessage("server static length") }
        try state.mixKey(try ephemeralKey.noiseDH(serverStatic))
        let certificatePayload = try state.decryptAndHash(Array(hello.payload))
        let chain: WACert_CertChain
        do {
            chain = try verifier.verify(serializedChain: certificatePayload, serverStaticKey: serverStatic, now: now)
        } catch {
            throw .certificate(error)
        }
        serverStaticKey = serverStatic
        step = .clientFinish
        return chain
    }

    /// Message 3: the client's static key and its encrypted `payload` (a serialized
    /// ClientPayload). Returns the message to send and the transport ciphers.
    public mutating func makeClientFinish(
        payload: [UInt8]
    ) throws(NoiseError) -> (message: WAWa6_HandshakeMessage, transport: NoiseTransport) {
        guard step == .clientFinish else { throw .unexpectedMessage("client finish not possible now") }
        var message = WAWa6_HandshakeMessage()
        message.clientFinish.static = Data(try state.encryptAndHash(noiseKey.publicKey.bytes))
        try state.mixKey(try noiseKey.noiseDH(serverEphemeral))
        message.clientFinish.payload = Data(try state.encryptAndHash(payload))
        step = .done
        let keys = state.split()
        return (message, try NoiseTransport(writeKey: keys.initiatorToResponder, readKey: keys.responderToInitiator))
    }
}

/// The server (responder) side of the handshake, for the sandbox server and tests. Drive it in
/// order: `readClientHello`, `makeServerHello`, `readClientFinish`. It performs no I/O.
public struct NoiseResponder: Sendable {
    private enum Step { case clientHello, serverHello, clientFinish, done }

    private var step = Step.clientHello
    private var state: NoiseSymmetricState
    private let staticKey: Curve25519KeyPair
    private let ephemeralKey: Curve25519KeyPair
    private let certificateChain: [UInt8]
    private var clientEphemeral: [UInt8] = []

    /// - Parameters:
    ///   - staticKey: the server's static key; the certificate chain's leaf must carry its public half.
    ///   - ephemeralKey: fresh per connection; tests pass recorded keys.
    ///   - certificateChain: a serialized `CertChain` (see `CertificateChainIssuer`).
    ///   - prologue: the connection header the client sent.
    public init(
        staticKey: Curve25519KeyPair, ephemeralKey: Curve25519KeyPair = .generate(),
        certificateChain: [UInt8], prologue: [UInt8] = WAFraming.header
    ) {
        self.staticKey = staticKey
        self.ephemeralKey = ephemeralKey
        self.certificateChain = certificateChain
        state = NoiseSymmetricState(prologue: prologue)
    }

    /// Message 1. Only the ephemeral key is mixed in: WhatsApp skips the empty payload's MixHash.
    public mutating func readClientHello(_ message: WAWa6_HandshakeMessage) throws(NoiseError) {
        guard step == .clientHello else { throw .unexpectedMessage("client hello not expected now") }
        guard message.hasClientHello else { throw .unexpectedMessage("expected a client hello") }
        guard message.clientHello.ephemeral.count == NoiseProtocol.keySize else {
            throw .malformedMessage("client ephemeral")
        }
        clientEphemeral = Array(message.clientHello.ephemeral)
        state.mixHash(clientEphemeral)
        step = .serverHello
    }

    /// Message 2: the server's ephemeral key, its encrypted static key and certificate chain.
    public mutating func makeServerHello() throws(NoiseError) -> WAWa6_HandshakeMessage {
        guard step == .serverHello else { throw .unexpectedMessage("server hello not possible now") }
        var message = WAWa6_HandshakeMessage()
        message.serverHello.ephemeral = Data(ephemeralKey.publicKey.bytes)
        state.mixHash(ephemeralKey.publicKey.bytes)
        try state.mixKey(try ephemeralKey.noiseDH(clientEphemeral))
        message.serverHello.static = Data(try state.encryptAndHash(staticKey.publicKey.bytes))
        try state.mixKey(try staticKey.noiseDH(clientEphemeral))
        message.serverHello.payload = Data(try state.encryptAndHash(certificateChain))
        step = .clientFinish
        return message
    }

    /// Message 3: authenticates the client's static key and decrypts its payload.
    public mutating func readClientFinish(
        _ message: WAWa6_HandshakeMessage
    ) throws(NoiseError) -> (clientStaticKey: [UInt8], payload: [UInt8], transport: NoiseTransport) {
        guard step == .clientFinish else { throw .unexpectedMessage("client finish not expected now") }
        guard message.hasClientFinish else { throw .unexpectedMessage("expected a client finish") }
        let finish = message.clientFinish
        guard finish.hasStatic, finish.hasPayload else { throw .malformedMessage("client finish lacks static or payload") }
        let clientStatic = try state.decryptAndHash(Array(finish.static))
        guard clientStatic.count == NoiseProtocol.keySize else { throw .malformedMessage("client static length") }
        try state.mixKey(try ephemeralKey.noiseDH(clientStatic))
        let payload = try state.decryptAndHash(Array(finish.payload))
        step = .done
        let keys = state.split()
        let transport = try NoiseTransport(writeKey: keys.responderToInitiator, readKey: keys.initiatorToResponder)
        return (clientStatic, payload, transport)
    }
}
