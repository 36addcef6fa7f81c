import Testing
import WASocket

/// A byte stream that records what is sent and holds the first send until released, so that
/// frames queue behind it; nothing is ever received.
private actor HeldWire {
    private(set) var messages: [[UInt8]] = []
    private var holding = true
    private var held: CheckedContinuation<Void, Never>?
    private var arrivals: [(count: Int, waiter: CheckedContinuation<Void, Never>)] = []

    func record(_ bytes: [UInt8]) async {
        messages.append(bytes)
        let ready = arrivals.filter { $0.count <= messages.count }
        arrivals.removeAll { $0.count <= messages.count }
        for arrival in ready { arrival.waiter.resume() }
        if holding { await withCheckedContinuation { held = $0 } }
    }

    func release() {
        holding = false
        held?.resume()
        held = nil
    }

    /// Returns once `count` messages were sent.
    func waitForMessages(_ count: Int) async {
        guard messages.count < count else { return }
        await withCheckedContinuation { arrivals.append((count, $0)) }
    }
}

private struct HeldWireStream: NoiseByteStream {
    let wire: HeldWire
    func send(_ bytes: [UInt8]) async throws { await wire.record(bytes) }
    func receive() async throws -> [UInt8]? {
        try? await Task.sleep(for: .seconds(3600))
        return nil
    }
}

@Suite("Noise connection writes")
struct NoiseConnectionTests {
    private static let keys = (a: [UInt8](repeating: 1, count: 32), b: [UInt8](repeating: 2, count: 32))

    private static func connection(over wire: HeldWire, joinsFrames: Bool = true) throws -> NoiseConnection {
        let socket = NoiseSocket(
            transport: try NoiseTransport(writeKey: keys.a, readKey: keys.b), encoder: FrameEncoder(sendsHeader: false),
            decoder: FrameDecoder(expectsHeader: false))
        return NoiseConnection(socket: socket, stream: HeldWireStream(wire: wire), joinsFrames: joinsFrames)
    }

    /// The peer's end: reads what the connection wrote.
    private static func peer() throws -> NoiseSocket {
        NoiseSocket(
            transport: try NoiseTransport(writeKey: keys.b, readKey: keys.a), encoder: FrameEncoder(sendsHeader: false),
            decoder: FrameDecoder(expectsHeader: false))
    }

    /// Frames queued while a write is in flight: joined, they leave in one transport send after
    /// it, in order; otherwise one send each.
    @Test("frames queued during a write leave joined in one send, in order, or one send each", arguments: [true, false])
    func queuedFrames(joinsFrames: Bool) async throws {
        let wire = HeldWire()
        let connection = try Self.connection(over: wire, joinsFrames: joinsFrames)
        let running = Task { try await connection.run { _ in } }
        try await connection.send([0x00, 0x01])
        await wire.waitForMessages(1)
        for byte: UInt8 in 2...5 { try await connection.send([0x00, byte]) }
        await wire.release()
        await wire.waitForMessages(joinsFrames ? 2 : 5)
        await connection.finishSending()
        try await running.value

        var peer = try Self.peer()
        let opened = try await wire.messages.map { try peer.open($0) }
        let frames = (1...5).map { [UInt8]([0x00, $0]) }
        #expect(opened == (joinsFrames ? [[frames[0]], Array(frames[1...])] : frames.map { [$0] }))
    }

    @Test("a joined send stays within the batch limit; a larger frame goes alone")
    func batchLimit() async throws {
        let wire = HeldWire()
        let connection = try Self.connection(over: wire)
        let running = Task { try await connection.run { _ in } }
        try await connection.send([0x00])
        await wire.waitForMessages(1)
        let third = NoiseConnection.batchLimit / 3
        let sizes = [third, third, third, NoiseConnection.batchLimit * 2, 10]
        for size in sizes { try await connection.send([UInt8](repeating: 0x07, count: size)) }
        await wire.release()
        await connection.finishSending()
        try await running.value

        let messages = await wire.messages
        var peer = try Self.peer()
        let opened = try messages.map { try peer.open($0) }
        #expect(opened.flatMap { $0 }.map(\.count) == [1] + sizes)
        // Two thirds with their length prefixes and tags fit the limit, a third more does not.
        #expect(opened.map(\.count) == [1, 2, 1, 1, 1])
        #expect(messages.allSatisfy { $0.count <= NoiseConnection.batchLimit || $0.count > NoiseConnection.batchLimit * 2 })
    }
}
