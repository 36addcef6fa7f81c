import Foundation
import SwiftProtobuf
import WAProto

/// An established Noise connection without I/O: `seal` turns a plaintext into wire bytes,
/// `open` turns received wire bytes into plaintexts. Feed it from any byte transport.
public struct NoiseSocket: Sendable {
    private var transport: NoiseTransport
    private var encoder: FrameEncoder
    private var decoder: FrameDecoder
    /// Encrypted frames that arrived in the same read as the last handshake message.
    private var pendingFrames: [[UInt8]]

    /// - Parameters:
    ///   - encoder, decoder: the framing state used during the handshake (the header was sent).
    ///   - pendingFrames: transport frames already unframed before the handshake completed.
    public init(transport: NoiseTransport, encoder: FrameEncoder, decoder: FrameDecoder, pendingFrames: [[UInt8]] = []) {
        self.transport = transport
        self.encoder = encoder
        self.decoder = decoder
        self.pendingFrames = pendingFrames
    }

    /// Encrypts and frames one plaintext (a marshalled binary node with its flag byte).
    public mutating func seal(_ plaintext: [UInt8]) throws(NoiseError) -> [UInt8] {
        let ciphertext = try transport.encrypt(plaintext)
        do {
            return try encoder.encode(ciphertext)
        } catch {
            throw .framing(error)
        }
    }

    /// Unframes and decrypts received bytes; returns every complete plaintext, in order.
    public mutating func open<Bytes: Collection<UInt8>>(_ bytes: Bytes) throws(NoiseError) -> [[UInt8]] {
        var frames = pendingFrames
        pendingFrames = []
        do {
            frames += try decoder.append(bytes)
        } catch {
            throw .framing(error)
        }
        var plaintexts: [[UInt8]] = []
        plaintexts.reserveCapacity(frames.count)
        for frame in frames {
            plaintexts.append(try transport.decrypt(frame))
        }
        return plaintexts
    }

    /// Call when the peer closed: throws if a partial frame was left over.
    public func finish() throws(NoiseError) {
        do {
            try decoder.finish()
        } catch {
            throw .framing(error)
        }
    }
}

/// A bidirectional byte transport the handshake can run over: a WebSocket's binary messages,
/// a TCP stream, an in-memory pipe in tests.
public protocol NoiseByteStream: Sendable {
    /// Sends bytes as one unit (one WebSocket message).
    func send(_ bytes: [UInt8]) async throws
    /// The next received bytes, or nil once the peer closed.
    func receive() async throws -> [UInt8]?
}

/// Runs the three handshake messages over a `NoiseByteStream`.
public enum NoiseHandshakeDriver {
    /// Client side: sends the header and client hello, verifies the server, sends `payload`.
    /// - Parameter routingInfo: optional edge routing bytes sent before the header.
    public static func connect(
        over stream: some NoiseByteStream, initiator: NoiseInitiator, payload: WAWa6_ClientPayload,
        routingInfo: [UInt8]? = nil
    ) async throws -> NoiseSocket {
        var initiator = initiator
        var encoder = FrameEncoder(sendsHeader: true, routingInfo: routingInfo)
        var decoder = FrameDecoder(expectsHeader: false)
        var pending: [[UInt8]] = []

        try await stream.send(encoder.encode(try initiator.makeClientHello().serializedBytes() as [UInt8]))
        let serverHello = try await nextHandshakeMessage(from: stream, decoder: &decoder, pending: &pending)
        try initiator.readServerHello(serverHello)
        let (finish, transport) = try initiator.makeClientFinish(payload: try payload.serializedBytes())
        try await stream.send(encoder.encode(try finish.serializedBytes() as [UInt8]))
        return NoiseSocket(transport: transport, encoder: encoder, decoder: decoder, pendingFrames: pending)
    }

    /// Server side: reads the header and client hello, answers with the certificate chain,
    /// and returns the client's static key and its decoded ClientPayload.
    public static func accept(
        over stream: some NoiseByteStream, responder: NoiseResponder
    ) async throws -> (socket: NoiseSocket, clientStaticKey: [UInt8], payload: WAWa6_ClientPayload) {
        var responder = responder
        var encoder = FrameEncoder(sendsHeader: false)
        var decoder = FrameDecoder(expectsHeader: true)
        var pending: [[UInt8]] = []

        try responder.readClientHello(try await nextHandshakeMessage(from: stream, decoder: &decoder, pending: &pending))
        try await stream.send(encoder.encode(try responder.makeServerHello().serializedBytes() as [UInt8]))
        let finish = try await nextHandshakeMessage(from: stream, decoder: &decoder, pending: &pending)
        let result = try responder.readClientFinish(finish)
        let payload = try WAWa6_ClientPayload(serializedBytes: result.payload)
        let socket = NoiseSocket(transport: result.transport, encoder: encoder, decoder: decoder, pendingFrames: pending)
        return (socket, result.clientStaticKey, payload)
    }

    /// The next frame as a HandshakeMessage; frames after it stay in `pending`.
    private static func nextHandshakeMessage(
        from stream: some NoiseByteStream, decoder: inout FrameDecoder, pending: inout [[UInt8]]
    ) async throws -> WAWa6_HandshakeMessage {
        while pending.isEmpty {
            guard let bytes = try await stream.receive() else { throw NoiseError.connectionClosed }
            pending += try decoder.append(bytes)
        }
        let frame = pending.removeFirst()
        do {
            return try WAWa6_HandshakeMessage(serializedBytes: frame)
        } catch {
            throw NoiseError.malformedMessage("handshake message does not decode")
        }
    }
}
