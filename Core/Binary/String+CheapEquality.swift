extension String {
    /// `self == other`, with strings of different UTF-8 lengths told apart inline: `==` calls
    /// into the standard library for every two strings that differ, and most keys and
    /// server names that differ also differ in length.
    @inline(__always)
    func cheaplyEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && self == other
    }
}
