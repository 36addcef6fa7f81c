/// A lookup table in memory that is never freed nor changed once built. The codec's tables
/// live as long as the process; held this way, an encoder or decoder copies them without
/// retaining and releasing an array for every node it handles.
struct ImmortalTable<Element: Sendable>: @unchecked Sendable {  // read-only after init
    let elements: UnsafeBufferPointer<Element>

    init(_ array: [Element]) {
        let copy = UnsafeMutableBufferPointer<Element>.allocate(capacity: array.count)
        _ = copy.initialize(from: array)
        elements = UnsafeBufferPointer(copy)
    }

    var count: Int { elements.count }

    /// Unchecked in release builds, like the buffer under it: every table is indexed by
    /// values in its range by construction (a byte, a nibble, a masked hash, a token code).
    @inline(__always)
    subscript(index: Int) -> Element { elements[index] }
}
