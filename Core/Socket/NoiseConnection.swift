import Synchronization

/// An established Noise connection over a byte stream, for either end: plaintext frames (binary
/// nodes with their flag byte) go out through `send` and come in through `run`'s handler.
///
/// `send` seals and queues inside the actor without suspending, so frames leave in the order of
/// their nonces even when many tasks send at once; a single writer drains the queue. On a
/// connection that `joinsFrames` (the sandbox's end), frames queued while the writer's last
/// write was in flight leave together, as one transport send (one WebSocket message, one
/// socket write and flush) of up to `batchLimit` bytes: a frame's 3-byte length prefix
/// delimits it, and whatsmeow's and our `FrameDecoder` read several frames from one message.
/// A client's connection sends one frame per message, as whatsmeow does: nothing says
/// WhatsApp's server reads more.
public actor NoiseConnection {
    /// The most bytes one transport send carries when it joins several frames; a single frame
    /// larger than this still goes out alone.
    public static let batchLimit = 64 * 1024

    /// Whether frames queued during a write leave together.
    public let joinsFrames: Bool

    private var socket: NoiseSocket
    private let stream: any NoiseByteStream
    /// Sealed frames not handed to the writer yet, oldest first. Behind a lock rather than the
    /// actor, so that the writer takes them without a hop onto the actor per write.
    private let queued = Mutex<[[UInt8]]>([])
    /// Wakes the writer; holds at most one element, as one wake-up takes every queued frame.
    private let wakeUps: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private var sendingFinished = false

    /// - Parameters:
    ///   - socket: the cipher and framing state a completed handshake returned.
    ///   - stream: the transport the handshake ran over.
    public init(socket: NoiseSocket, stream: any NoiseByteStream, joinsFrames: Bool = false) {
        self.joinsFrames = joinsFrames
        self.socket = socket
        self.stream = stream
        (wakeUps, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Encrypts one plaintext frame and queues it for `run` to write.
    /// - Throws: `NoiseError.connectionClosed` after `finishSending`; sealing errors.
    public func send(_ plaintext: [UInt8]) throws(NoiseError) {
        guard !sendingFinished else { throw .connectionClosed }
        let frame = try socket.seal(plaintext)
        queued.withLock { $0.append(frame) }
        wakeUp.yield()
    }

    /// Refuses further sends; `run` returns once the frames already queued are written. This is
    /// how either side hangs up.
    public func finishSending() {
        sendingFinished = true
        wakeUp.finish()
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
                for await _ in self.wakeUps {
                    while !Task.isCancelled, let batch = self.nextBatch() {
                        try await self.stream.send(batch)
                    }
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

    /// Takes the oldest queued frames, joined, up to `batchLimit` bytes (at least one frame);
    /// nil when none is queued.
    private nonisolated func nextBatch() -> [UInt8]? {
        queued.withLock { queued in
            guard !queued.isEmpty else { return nil }
            guard queued.count > 1, joinsFrames else { return queued.removeFirst() }
            var batch = queued[0]
            var taken = 1
            while taken < queued.count, batch.count + queued[taken].count <= Self.batchLimit {
                batch += queued[taken]
                taken += 1
            }
            queued.removeFirst(taken)
            return batch
        }
    }

    private func open(_ bytes: [UInt8]) throws(NoiseError) -> [[UInt8]] {
        try socket.open(bytes)
    }

    private func checkComplete() throws(NoiseError) {
        try socket.finish()
    }
}
