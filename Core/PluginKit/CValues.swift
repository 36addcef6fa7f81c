// Conversions between the ABI's plain C values and Swift values.

import WagoPluginABI

extension wago_str {
    /// A copy of the BORROWED text (invalid UTF-8 is repaired, never trusted).
    var string: String {
        guard let ptr, len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: ptr, count: len), as: UTF8.self)
    }
}

extension wago_bytes {
    /// A copy of the BORROWED bytes.
    var array: [UInt8] {
        guard let ptr, len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: ptr, count: len))
    }
}

extension String {
    /// Lends the string's UTF-8 as a `wago_str` for one call; the host COPIES what it keeps.
    /// An empty string is passed as `{NULL, 0}`.
    func withWagoStr<Result>(_ body: (wago_str) throws -> Result) rethrows -> Result {
        var text = self  // withUTF8 is mutating: it may first make a bridged string contiguous
        return try text.withUTF8 { utf8 in
            try body(wago_str(ptr: UnsafeRawPointer(utf8.baseAddress)?.assumingMemoryBound(to: CChar.self), len: utf8.count))
        }
    }
}

extension Array where Element == UInt8 {
    /// Lends the bytes as `wago_bytes` for one call; the host COPIES what it keeps.
    func withWagoBytes<Result>(_ body: (wago_bytes) throws -> Result) rethrows -> Result {
        try withUnsafeBufferPointer { bytes in try body(wago_bytes(ptr: bytes.baseAddress, len: bytes.count)) }
    }
}

/// Reads a versioned struct written by the other side the way the ABI prescribes: at most
/// `min(header.struct_size, MemoryLayout<Struct>.size)` bytes into a zeroed value, so fields the
/// writer did not know read as zero/NULL and fields we do not know are ignored.
func readVersioned<Struct>(_ pointer: UnsafeRawPointer, zeroed: Struct) -> Struct {
    let writtenSize = Int(pointer.load(as: wago_header.self).struct_size)
    var value = zeroed
    withUnsafeMutableBytes(of: &value) { destination in
        destination.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: min(writtenSize, destination.count)))
    }
    return value
}

/// The header a struct written by this plugin starts with.
func header<Struct>(for _: Struct.Type) -> wago_header {
    wago_header(magic: WAGO_ABI_MAGIC, abi_version: WAGO_ABI_VERSION, struct_size: UInt32(MemoryLayout<Struct>.size), reserved: 0)
}

/// A NUL-terminated copy of `text` that stays allocated for the life of the process (the
/// manifest's strings are STATIC).
func permanentCString(_ text: String) -> UnsafePointer<CChar> {
    text.utf8CString.withUnsafeBufferPointer { utf8 in
        let copy = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        copy.initialize(from: utf8.baseAddress!, count: utf8.count)
        return UnsafePointer(copy)
    }
}
