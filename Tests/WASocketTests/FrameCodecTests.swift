import Testing
import WASocket

@Suite("Frame codec")
struct FrameCodecTests {
    @Test("the client sends the header once, before the first frame")
    func headerOnce() throws {
        var encoder = FrameEncoder(sendsHeader: true)
        #expect(try encoder.encode([0xAA, 0xBB]) == [0x57, 0x41, 0x06, 0x03, 0, 0, 2, 0xAA, 0xBB])
        #expect(try encoder.encode([0xCC]) == [0, 0, 1, 0xCC])
        var server = FrameEncoder(sendsHeader: false)
        #expect(try server.encode([UInt8]()) == [0, 0, 0])
    }

    @Test("a routing prefix goes before the header and the server reads it back")
    func routingPrefix() throws {
        var encoder = FrameEncoder(sendsHeader: true, routingInfo: [0x08, 0x01])
        let wire = try encoder.encode([0x42])
        #expect(wire == [0x45, 0x44, 0, 1, 0, 0, 2, 0x08, 0x01, 0x57, 0x41, 6, 3, 0, 0, 1, 0x42])
        var decoder = FrameDecoder(expectsHeader: true)
        #expect(try decoder.append(wire) == [[0x42]])
        #expect(decoder.routingInfo == [0x08, 0x01])
    }

    @Test("frames split across messages are reassembled, byte by byte")
    func splitFrames() throws {
        var encoder = FrameEncoder(sendsHeader: true)
        let payloads: [[UInt8]] = [Array(0..<200), [], [7], Array(repeating: 0x5A, count: 70_000)]
        var wire: [UInt8] = []
        for payload in payloads { wire += try encoder.encode(payload) }

        var decoder = FrameDecoder(expectsHeader: true)
        var received: [[UInt8]] = []
        for byte in wire { received += try decoder.append([byte]) }
        #expect(received == payloads)
        try decoder.finish()

        // Uneven chunks, including chunks that end inside the header and inside a length.
        for chunkSize in [2, 3, 5, 1000, 65_537] {
            var chunked = FrameDecoder(expectsHeader: true)
            var out: [[UInt8]] = []
            var index = 0
            while index < wire.count {
                out += try chunked.append(wire[index..<min(wire.count, index + chunkSize)])
                index += chunkSize
            }
            #expect(out == payloads, "chunk size \(chunkSize)")
        }
    }

    @Test("several frames in one message are split")
    func mergedFrames() throws {
        var decoder = FrameDecoder(expectsHeader: false)
        let frames = try decoder.append([0, 0, 1, 0x01, 0, 0, 2, 0x02, 0x03, 0, 0, 0, 0, 0])
        #expect(frames == [[0x01], [0x02, 0x03], []])
        // Two bytes of the next length are buffered, not lost.
        #expect(throws: FrameError.truncated(buffered: 2)) { try decoder.finish() }
        #expect(try decoder.append([1, 0x09]) == [[0x09]])
        try decoder.finish()
    }

    @Test("oversize frames are refused in both directions")
    func oversize() throws {
        var encoder = FrameEncoder(sendsHeader: false)
        let tooBig = [UInt8](repeating: 0, count: 1 << 24)
        #expect(throws: FrameError.frameTooLarge(1 << 24)) { try encoder.encode(tooBig) }
        let largest = try encoder.encode([UInt8](repeating: 1, count: (1 << 24) - 1))
        #expect(largest.prefix(3) == [0xFF, 0xFF, 0xFF])

        var limited = FrameDecoder(expectsHeader: false, maxFrameSize: 1024)
        #expect(throws: FrameError.frameTooLarge(1025)) { try limited.append([0, 0x04, 0x01]) }
    }

    @Test("garbage instead of the header is rejected as soon as it differs")
    func garbageHeader() throws {
        var decoder = FrameDecoder(expectsHeader: true)
        #expect(throws: FrameError.invalidHeader([0x47, 0x45])) { try decoder.append([0x47, 0x45]) }
        var partial = FrameDecoder(expectsHeader: true)
        #expect(try partial.append([0x57, 0x41]) == [])
        #expect(throws: FrameError.invalidHeader([0x57, 0x41, 0x05, 0x03])) { try partial.append([0x05, 0x03]) }
        var badRouting = FrameDecoder(expectsHeader: true)
        #expect(throws: FrameError.invalidHeader([0x45, 0x44, 0x01])) { try badRouting.append([0x45, 0x44, 0x01]) }
        var truncated = FrameDecoder(expectsHeader: true)
        _ = try truncated.append([0x57, 0x41, 0x06])
        #expect(throws: FrameError.truncated(buffered: 3)) { try truncated.finish() }
    }
}
