/// Compares secrets in time that depends only on their lengths, so a token cannot be guessed
/// byte by byte from response times.
public func constantTimeEquals(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
    var difference = UInt8(truncatingIfNeeded: a.utf8.count ^ b.utf8.count)
    var bIterator = b.utf8.makeIterator()
    for byteA in a.utf8 {
        // Past b's end keep comparing against a itself so the loop length is a's alone.
        let byteB = bIterator.next() ?? ~byteA
        difference |= byteA ^ byteB
    }
    return difference == 0 && a.utf8.count == b.utf8.count
}
