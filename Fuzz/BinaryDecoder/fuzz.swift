// libFuzzer target for WABinary's decoder; built by scripts/fuzz-binary.sh together with the
// Core/Binary sources (one module, so no `import WABinary`).
//
// Hostile bytes must end in a typed error. Whatever decodes must re-encode, re-encoding must
// reach a fixed point, and its JSON form must read back. The fixed point is checked from the
// second round on, as whatsmeow's format normalises in two steps: the first round drops empty
// attributes, turns unpackable string content into bytes and writes a LIST_8 of no children
// as LIST_EMPTY, which the second round decodes as no content.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBinaryDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    // A small inflate limit keeps zlib inputs cheap; the limit itself is what is under test.
    let limits = DecodingLimits(maxDepth: 64, maxInflatedSize: 1 << 20)
    guard let node = try? Node(frame: input, limits: limits) else { return 0 }
    do {
        let second = try Node(frame: node.encodedFrame()).encodedFrame()
        let third = try Node(frame: second).encodedFrame()
        guard second == third else {
            fatalError("re-encoding is not stable:\n\(Hex.string(second))\n\(Hex.string(third))")
        }
        _ = try Node(json: node.jsonData())
    } catch {
        fatalError("a decoded node failed to round-trip: \(error)")
    }
    return 0
}
