/// An established Noise connection over a byte stream, for either end: plaintext frames (binary
/// nodes with their flag byte) go out through `send` and come in through `run`'s handler.
///
/// `send` seals and queues inside the actor without suspending, so frames leave in the order of
/// their nonces even when many tasks send at once; a single writer drains the queue.
public actor NoiseConnection {
    private var socket: NoiseSocket
    private let stream: any NoiseByteStream
    private let outbound: AsyncStream<[UInt8]>
    private let outboundQueue: AsyncStream<[UInt8]>.Continuation
    private var sendingFinished = false

    /// - Parameters:
    ///   - socket: the cipher and framing state a completed handshake returned.
    ///   - stream: the transport the handshake ran over.
    public init(socket: NoiseSocket, stream: any NoiseByteStream) {
        self.socket = socket
        self.stream = stream
        (outbound, outboundQueue) = AsyncStream.makeStream()
    }

    /// Encrypts one plaintext frame and queues it for `run` to write.
    /// - Throws: `NoiseError.connectionClosed` after `finishSending`; sealing errors.
    public func send(_ plaintext: [UInt8]) throws(NoiseError) {
        guard !sendingFinished else { throw .connectionClosed }
        outboundQueue.yield(try socket.seal(plaintext))
    }

    /// Refuses further sends; `run` returns once the frames already queued are written. This is
    /// how either side hangs up.
    public func finishSending() {
        sendingFinished = true
        outboundQueue.finish()
    }

    /// Pumps both directions until the peer closes or `finishSending` drained the queue. Every
    /// received plaintext goes to `receive`, in order, before the next is read. Call once.
    /// - Throws: a frame that does not decrypt, a partial frame at close, transport errors, or
    ///   whatever `receive` throws. Any of them ends the connection.
    public nonisolated func run(receive: @escaping @Sendable ([UInt8]) async throws -> Void) async throws {
        do {
            try await pump(receive: receive)
        } catch {
            await finishSending()
            throw error
        }
        await finishSending()
    }

    private nonisolated func pump(receive: @escaping @Sendable ([UInt8]) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in self.outbound {
                    try await self.stream.send(frame)
                }
            }
            group.addTask {
                while let bytes = try await self.stream.receive() {
                    for plaintext in try await self.open(bytes) {
                        try await receive(plaintext)
                    }
                }
                try await self.checkComplete()
            }
            try await group.next()
            group.cancelAll()
        }
    }

    private func open(_ bytes: [UInt8]) throws(NoiseError) -> [[UInt8]] {
        try socket.open(bytes)
    }

    private func checkComplete() throws(NoiseError) {
        try socket.finish()
    }
}
