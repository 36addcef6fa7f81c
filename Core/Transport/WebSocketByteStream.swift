import NIOCore
import WASocket
import WSCore

/// Why a WebSocket carried something WhatsApp never sends.
public enum WebSocketByteStreamError: Error, Equatable, Sendable {
    /// WhatsApp speaks binary messages only; a text message ends the connection.
    case textMessage
}

/// One WebSocket connection, client or server side, as a `NoiseByteStream`: each send is one
/// binary message, and received messages are handed on whole (the Noise framing above ignores
/// message boundaries anyway).
public struct WebSocketByteStream: NoiseByteStream {
    /// Room for the largest WhatsApp frame plus its length prefix and the connection header.
    public static let maxMessageSize = WAFraming.maxFrameSize + 64

    private let outbound: WebSocketOutboundWriter
    private let inbound: InboundMessages

    /// - Parameters:
    ///   - inbound, outbound: what a WebSocket handler receives, from the client or the server.
    public init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
        self.inbound = InboundMessages(inbound.messages(maxSize: Self.maxMessageSize).makeAsyncIterator())
    }

    public func send(_ bytes: [UInt8]) async throws {
        try await outbound.writeBinaryMessage(ByteBuffer(bytes: bytes))
    }

    /// The next binary message, or nil once the peer closed or this task was cancelled.
    public func receive() async throws -> [UInt8]? {
        try await inbound.next()
    }
}

/// Owns the message iterator so that `receive` can be called from any task, one at a time.
private actor InboundMessages {
    private var iterator: WebSocketInboundMessageStream.AsyncIterator

    init(_ iterator: WebSocketInboundMessageStream.AsyncIterator) {
        self.iterator = iterator
    }

    func next() async throws -> [UInt8]? {
        guard !Task.isCancelled else { return nil }
        // Mutated through a local copy: an actor's stored property cannot be passed inout
        // across the suspension. Only one `next` runs at a time, so the copy is never shared.
        var iterator = self.iterator
        defer { self.iterator = iterator }
        switch try await iterator.next(isolation: self) {
        case .binary(let buffer): return Array(buffer.readableBytesView)
        case .text: throw WebSocketByteStreamError.textMessage
        case nil: return nil
        }
    }
}
