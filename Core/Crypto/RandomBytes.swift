/// `count` bytes from the system CSPRNG.
public func randomBytes(_ count: Int) -> [UInt8] {
    var rng = SystemRandomNumberGenerator()
    var bytes = [UInt8]()
    bytes.reserveCapacity(count + 7)
    while bytes.count < count {
        withUnsafeBytes(of: rng.next()) { bytes.append(contentsOf: $0) }
    }
    return Array(bytes.prefix(count))
}
