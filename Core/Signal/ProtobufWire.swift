import WACrypto

/// The few pieces of the protobuf wire format that Signal's messages and our records need:
/// varints and length-delimited fields. Output matches Go's deterministic marshalling
/// (fields in ascending number order when written in that order).
struct ProtoWriter {
    private(set) var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(128) }

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
struct ProtoFields {
    private var varints: [Int: [UInt64]] = [:]
    private var blobs: [Int: [[UInt8]]] = [:]

    init(_ data: ArraySlice<UInt8>) throws(SignalError) {
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
            case 0: varints[field, default: []].append(try varint())
            case 1: try skip(8)
            case 2:
                let length = try varint()
                guard length <= UInt64(data.endIndex - index) else { throw .invalidMessage("truncated field") }
                let start = index
                try skip(Int(length))
                blobs[field, default: []].append(Array(data[start..<index]))
            case 5: try skip(4)
            default: throw .invalidMessage("unsupported wire type")
            }
        }
    }

    init(_ data: [UInt8]) throws(SignalError) { try self.init(data[...]) }

    /// The last value of a varint field, as protobuf's "last one wins" rule says.
    func uint64(_ field: Int) -> UInt64? { varints[field]?.last }

    /// A uint32 field (protobuf truncates wider varints to 32 bits).
    func uint32(_ field: Int) -> UInt32? { uint64(field).map { UInt32(truncatingIfNeeded: $0) } }

    func bytes(_ field: Int) -> [UInt8]? { blobs[field]?.last }

    func repeatedBytes(_ field: Int) -> [[UInt8]] { blobs[field] ?? [] }

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
