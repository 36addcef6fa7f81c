import Foundation
import Testing
import WABinary
import WagoTestSupport

/// Hostile bytes end in a `BinaryDecodingError`: never a trap, and never an allocation larger
/// than the input justifies.
@Suite struct HostileInputTests {
    /// Every frame in vectors/binary.json that is given as hex.
    static func vectorFrames() throws -> [[UInt8]] {
        let vectors = try VectorNodes.binaryVectors()
        var frames: [[UInt8]] = []
        for section in ["cases", "decode_only", "zlib_frames"] {
            for vector in vectors[section] as? [[String: Any]] ?? [] {
                if let hex = vector["hex"] as? String ?? vector["frame_hex"] as? String {
                    frames.append(try VectorNodes.bytes(hex))
                }
            }
        }
        return frames
    }

    @Test func everyTruncationIsRejected() throws {
        let frames = try Self.vectorFrames()
        #expect(frames.count == 71 + 16 + 2)
        for frame in frames where frame[0] & 2 == 0 {
            for length in 0..<frame.count {
                #expect(throws: BinaryDecodingError.self, "\(Hex.string(frame)) cut to \(length)") {
                    try Node(frame: frame.prefix(length))
                }
            }
        }
        // A cut zlib stream may still inflate to a prefix of the node; it must not trap.
        for frame in frames where frame[0] & 2 != 0 {
            for length in 0..<frame.count { _ = try? Node(frame: frame.prefix(length)) }
        }
    }

    /// Random bytes and random single-byte corruptions of the vectors (seeded, so that a
    /// failure reproduces).
    @Test func randomBytesNeverTrap() throws {
        var random = SplitMix64(seed: 0x5741_476F)
        for _ in 0..<20_000 {
            let length = Int(random.next() % 64)
            var frame: [UInt8] = [0]
            for _ in 0..<length { frame.append(UInt8(truncatingIfNeeded: random.next())) }
            _ = try? Node(frame: frame)
        }
        for frame in try Self.vectorFrames() {
            for _ in 0..<50 {
                var corrupted = frame
                let index = 1 + Int(random.next() % UInt64(frame.count - 1))
                corrupted[index] = UInt8(truncatingIfNeeded: random.next())
                if let node = try? Node(frame: corrupted) { _ = try node.encodedFrame() }
            }
        }
    }

    @Test func limitsAreEnforced() throws {
        // 100 nested <item> nodes: over the default depth limit of 64.
        var nested: [UInt8] = [0]
        for _ in 0..<100 { nested += [0xF8, 0x02, 0x3F, 0xF8, 0x01] }
        nested += [0xF8, 0x01, 0x3F]
        #expect(throws: BinaryDecodingError.tooDeep(limit: 64)) { try Node(frame: nested) }

        // Lengths and counts far beyond the input are refused before allocating.
        #expect(throws: BinaryDecodingError.truncated(offset: 3)) {
            try Node(frame: [0x00, 0xF8, 0x02, 0x3F, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF])  // 4 GiB BINARY_32
        }
        #expect(throws: BinaryDecodingError.truncated(offset: 3)) {
            try Node(frame: [0x00, 0xF8, 0x02, 0x3F, 0xF9, 0xFF, 0xFF])  // 65535 children
        }
        #expect(throws: BinaryDecodingError.truncated(offset: 4)) {
            try Node(frame: [0x00, 0xF9, 0xFF, 0xFF, 0x3F, 0x08])  // 32767 attributes
        }

        // Inflating stops at the limit.
        let zlib = try VectorNodes.bytes("02789c000500fafff8031b08550300059f0174")
        #expect(throws: BinaryDecodingError.inflatedTooLarge(limit: 4)) {
            try Node(frame: zlib, limits: DecodingLimits(maxInflatedSize: 4))
        }
        #expect(throws: BinaryDecodingError.invalidCompressedData) { try Node(frame: [0x02, 0x78, 0x9C, 0x00]) }
    }

    @Test func malformedValuesNameTheirCause() {
        func error(_ hex: String) -> BinaryDecodingError? {
            do {
                _ = try Node(frame: Hex.bytes(hex))
                return nil
            } catch let error as BinaryDecodingError { return error } catch { return nil }
        }
        #expect(error("00f80200") == .invalidTag(offset: 2))  // LIST_EMPTY as the tag
        #expect(error("00f8023fff8212c5") == .invalidNibble(0xC, offset: 6))  // nibble 12 in NIBBLE_8
        #expect(error("00f8023fff80") == .invalidPackedLength(offset: 3))  // odd, zero bytes
        #expect(error("00f8033f0003") == .invalidAttributeKey(offset: 3))  // LIST_EMPTY as a key
        #expect(error("00f8033f0cf80100") == .invalidAttributeValue(offset: 4))  // a list as a value
        #expect(error("00f8023ffa0000") == .invalidJID(offset: 3))  // JID_PAIR without a server
        #expect(error("00f8023ff5ff01120000000003") == .invalidJID(offset: 3))  // interop, wrong server
    }
}

/// A small seeded generator (SplitMix64), so that random tests reproduce.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
