import WACrypto

/// The few pieces of the protobuf wire format that Signal's messages and our records need:
/// varints and length-delimited fields. Output matches Go's deterministic marshalling
/// (fields in ascending number order when written in that order).
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 128) { bytes.reserveCapacity(capacity) }

    /// A message behind a version byte (Signal's `0x33`), with room for `capacity` bytes in all.
    init(versionByte: UInt8, capacity: Int) {
        bytes.reserveCapacity(capacity)
        bytes.append(versionByte)
    }

    mutating func uint(_ field: Int, _ value: UInt64) {
        appendVarint(UInt64(field << 3))
        appendVarint(value)
    }

    mutating func uint(_ field: Int, _ value: UInt32) { uint(field, UInt64(value)) }

    mutating func bytes(_ field: Int, _ value: [UInt8]) {
        appendVarint(UInt64(field << 3 | 2))
        appendVarint(UInt64(value.count))
        bytes += value
    }

    /// A length-delimited field whose content `body` writes in place (a nested message): no
    /// writer and copy of its own per nested message. The length is known only afterwards, so
    /// one byte is set aside for it and a longer varint moves the content up.
    mutating func message(_ field: Int, _ body: (inout ProtoWriter) -> Void) {
        appendVarint(UInt64(field << 3 | 2))
        let lengthIndex = bytes.count
        bytes.append(0)
        body(&self)
        var length = bytes.count - lengthIndex - 1
        var extraBytes = 0
        while length >> (7 * (extraBytes + 1)) > 0 { extraBytes += 1 }
        if extraBytes > 0 { bytes.insert(contentsOf: repeatElement(0, count: extraBytes), at: lengthIndex + 1) }
        for index in lengthIndex...(lengthIndex + extraBytes) {
            bytes[index] = UInt8(truncatingIfNeeded: length & 0x7F) | (index < lengthIndex + extraBytes ? 0x80 : 0)
            length >>= 7
        }
    }

    private mutating func appendVarint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}

/// A parsed protobuf message: every varint and length-delimited field by number
/// (fixed-width fields are skipped, as unknown fields are).
///
/// Fields are kept in one list in wire order, bytes fields as ranges of `data`, copied when
/// read: a message has a handful of fields, and a dictionary of arrays per parse (plus a copy
/// of every bytes field, read or not) cost more than the rest of decoding a Signal message.
struct ProtoFields {
    private enum Value {
        case varint(UInt64)
        case bytes(Range<Int>)
    }

    private let data: ArraySlice<UInt8>
    private var fields: [(number: Int, value: Value)] = []

    init(_ data: ArraySlice<UInt8>) throws(SignalError) {
        self.data = data
        fields.reserveCapacity(8)
        var index = data.startIndex
        func varint() throws(SignalError) -> UInt64 {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < data.endIndex, shift < 64 else { throw .invalidMessage("truncated varint") }
                let byte = data[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return result }
                shift += 7
            }
        }
        func skip(_ count: Int) throws(SignalError) {
            guard count >= 0, data.endIndex - index >= count else { throw .invalidMessage("truncated field") }
            index += count
        }
        while index < data.endIndex {
            let key = try varint()
            guard key >> 3 > 0, key >> 3 < 1 << 29 else { throw .invalidMessage("bad field number") }
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append((field, .varint(try varint())))
            case 1: try skip(8)
            case 2:
                let length = try varint()
                guard length <= UInt64(data.endIndex - index) else { throw .invalidMessage("truncated field") }
                let start = index
                try skip(Int(length))
                fields.append((field, .bytes(start..<index)))
            case 5: try skip(4)
            default: throw .invalidMessage("unsupported wire type")
            }
        }
    }

    init(_ data: [UInt8]) throws(SignalError) { try self.init(data[...]) }

    /// The last value of a varint field, as protobuf's "last one wins" rule says.
    func uint64(_ field: Int) -> UInt64? {
        for entry in fields.reversed() where entry.number == field {
            if case .varint(let value) = entry.value { return value }
        }
        return nil
    }

    /// A uint32 field (protobuf truncates wider varints to 32 bits).
    func uint32(_ field: Int) -> UInt32? { uint64(field).map { UInt32(truncatingIfNeeded: $0) } }

    /// The last value of a bytes field.
    func bytes(_ field: Int) -> [UInt8]? {
        for entry in fields.reversed() where entry.number == field {
            if case .bytes(let range) = entry.value { return Array(data[range]) }
        }
        return nil
    }

    /// Every value of a repeated bytes field, in wire order.
    func repeatedBytes(_ field: Int) -> [[UInt8]] {
        fields.compactMap { entry in
            guard entry.number == field, case .bytes(let range) = entry.value else { return nil }
            return Array(data[range])
        }
    }

    func requiredUInt32(_ field: Int, _ name: String) throws(SignalError) -> UInt32 {
        guard let value = uint32(field) else { throw .invalidMessage("missing \(name)") }
        return value
    }

    func requiredBytes(_ field: Int, _ name: String) throws(SignalError) -> [UInt8] {
        guard let value = bytes(field) else { throw .invalidMessage("missing \(name)") }
        return value
    }

    /// A bytes field that must have exactly `count` bytes (key material in records).
    func requiredBytes(_ field: Int, _ name: String, count: Int) throws(SignalError) -> [UInt8] {
        let value = try requiredBytes(field, name)
        guard value.count == count else { throw .invalidMessage("\(name) is not \(count) bytes") }
        return value
    }

    /// A 33-byte `0x05 || key` public key field.
    func requiredKey(_ field: Int, _ name: String) throws(SignalError) -> Curve25519PublicKey {
        let serialized = try requiredBytes(field, name)
        return try signalCrypto { () throws(CryptoError) in try Curve25519PublicKey(serialized: serialized) }
    }
}
