import Testing
@testable import WASignal

/// The record encoding's protobuf pieces: nested messages written in place, and field lookups.
@Suite struct ProtoWireTests {
    /// Content lengths around the varint boundaries (1, 2 and 3 length bytes).
    @Test(arguments: [0, 1, 127, 128, 300, 16_383, 16_384])
    func nestedMessageInPlaceIsTheBytesFieldOfItsContent(length: Int) throws {
        let content = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var inPlace = ProtoWriter()
        inPlace.uint(1, UInt32(7))
        inPlace.message(2) { $0.bytes(3, content) }
        inPlace.uint(4, UInt32(9))

        var nested = ProtoWriter()
        nested.bytes(3, content)
        var separate = ProtoWriter()
        separate.uint(1, UInt32(7))
        separate.bytes(2, nested.bytes)
        separate.uint(4, UInt32(9))
        #expect(inPlace.bytes == separate.bytes)

        let fields = try ProtoFields(inPlace.bytes)
        #expect(fields.uint32(1) == 7)
        #expect(fields.uint32(4) == 9)
        #expect(try ProtoFields(#require(fields.bytes(2))).bytes(3) == content)
    }

    @Test func lookupsTakeTheLastValueOfTheirWireTypeAndRepeatedOnesInOrder() throws {
        var writer = ProtoWriter()
        writer.uint(1, UInt32(1))
        writer.bytes(1, [0xAA])
        writer.bytes(2, [1])
        writer.uint(1, UInt32(2))
        writer.bytes(2, [2, 2])
        writer.bytes(1, [0xBB])
        let fields = try ProtoFields(writer.bytes)
        #expect(fields.uint64(1) == 2)
        #expect(fields.bytes(1) == [0xBB])
        #expect(fields.repeatedBytes(2) == [[1], [2, 2]])
        #expect(fields.uint64(2) == nil)
        #expect(fields.bytes(3) == nil)
        #expect(fields.repeatedBytes(3).isEmpty)
    }
}
