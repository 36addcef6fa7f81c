extension String {
    /// This string as a JSON string literal: quotes, backslashes and control characters escaped,
    /// slashes and non-ASCII left as they are. For the hand-written JSON of hot paths, where
    /// `JSONEncoder` costs too much.
    public var jsonQuoted: String {
        var literal = "\""
        literal.reserveCapacity(utf8.count + 2)
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case "\u{0}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
