/// Reads the members a caller wants from a JSON document and validates, without building,
/// everything else: the per-send and per-receipt answers and events (a host's
/// `{"ID","Timestamp"}`, a receipt's three fields) cost Foundation's parsers tens of
/// thousands of instructions each for objects they mostly throw away. Strict RFC 8259: a
/// malformed document anywhere, even in a skipped member or after the value, is an error.
/// The server checks plugins' event JSON with it too (`isValid`).
public struct JSONScanner {
    /// What is wrong with a document, and at which byte offset.
    public struct Malformed: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public let offset: Int

        public var description: String { "malformed JSON at byte \(offset): \(reason)" }
    }

    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 512

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    public init(_ text: String) {
        bytes = Array(text.utf8)
    }

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A member's key, compared with names (`case "Type":`) without building a String.
    public struct Key {
        /// The bytes between the quotes, when they hold no escape.
        fileprivate let raw: ArraySlice<UInt8>?
        /// The key decoded, when it has escapes.
        fileprivate let decoded: String?

        public var text: String { decoded ?? String(decoding: raw ?? [], as: UTF8.self) }

        public static func ~= (name: StaticString, key: Key) -> Bool {
            name.withUTF8Buffer { name in
                guard let raw = key.raw else { return key.decoded?.utf8.elementsEqual(name) ?? false }
                return raw.count == name.count && raw.withUnsafeBufferPointer { raw in
                    name.indices.allSatisfy { raw[$0] == name[$0] }
                }
            }
        }
    }

    /// Reads a document whose value is an object: `member` is called with each member's key
    /// and this scanner at the member's value, which it may read with `string()`, `bool()`,
    /// ...; a value it leaves unread is skipped. Later members with the same key are seen too.
    public mutating func readObjectDocument(_ member: (_ key: Key, _ value: inout JSONScanner) throws -> Void) throws {
        skipWhitespace()
        try expect(UInt8(ascii: "{"), "expected an object")
        skipWhitespace()
        if consume(UInt8(ascii: "}")) {
            return try finishDocument()
        }
        while true {
            skipWhitespace()
            let keyStart = index
            let (content, escaped) = try passString()
            let key: Key
            if escaped {
                let afterKey = index
                index = keyStart
                key = Key(raw: nil, decoded: try string())
                index = afterKey
            } else {
                key = Key(raw: bytes[content], decoded: nil)
            }
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after a key")
            skipWhitespace()
            let valueStart = index
            try member(key, &self)
            if index == valueStart { try skipValue() }
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in an object")
            return try finishDocument()
        }
    }

    /// `null` consumed, or false with nothing consumed.
    public mutating func null() throws -> Bool {
        guard peek == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    public mutating func bool() throws -> Bool {
        switch peek {
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        default: throw malformed("expected true or false")
        }
    }

    /// A number as a whole `Int64`: a fraction or exponent is allowed and cut towards zero,
    /// as `NSNumber.int64Value` does; one outside `Int64` is an error.
    public mutating func int64() throws -> Int64 {
        let start = index
        try skipNumber()
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if let whole = Int64(text) { return whole }
        guard let value = Double(text), value.isFinite, let whole = Int64(exactly: value.rounded(.towardZero)) else {
            index = start
            throw malformed("\(text) is not a whole number within 64 bits")
        }
        return whole
    }

    /// A string, made from the document's bytes as they are when it has no escapes.
    public mutating func string() throws -> String {
        let (content, escaped) = try passString()
        guard escaped else { return String(decoding: bytes[content], as: UTF8.self) }
        let end = index
        defer { index = end }
        index = content.lowerBound
        var utf8: [UInt8] = []
        var runStart = index
        while index < content.upperBound {
            guard bytes[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            utf8.append(contentsOf: bytes[runStart..<index])
            index += 1
            try unescape(into: &utf8)
            runStart = index
        }
        utf8.append(contentsOf: bytes[runStart..<content.upperBound])
        return String(decoding: utf8, as: UTF8.self)
    }

    /// An array of strings (each element must be one).
    public mutating func strings() throws -> [String] {
        try expect(UInt8(ascii: "["), "expected an array")
        skipWhitespace()
        var values: [String] = []
        if consume(UInt8(ascii: "]")) { return values }
        while true {
            skipWhitespace()
            values.append(try string())
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in an array")
            return values
        }
    }

    /// Validates and passes over one value of any kind.
    public mutating func skipValue() throws {
        switch peek {
        case UInt8(ascii: "\""): _ = try passString()
        case UInt8(ascii: "{"): try skipContainer(closedBy: UInt8(ascii: "}"), keyed: true)
        case UInt8(ascii: "["): try skipContainer(closedBy: UInt8(ascii: "]"), keyed: false)
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    /// Whether `text` is one JSON value of any kind and nothing more, checked without building it.
    public static func isValid(_ text: String) -> Bool {
        var scanner = JSONScanner(text)
        scanner.skipWhitespace()
        do {
            try scanner.skipValue()
            try scanner.finishDocument()
            return true
        } catch {
            return false
        }
    }

    // MARK: - Pieces

    private var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func malformed(_ reason: String) -> Malformed { Malformed(reason: reason, offset: index) }

    /// Passes over a string, checking it: the range of its content (between the quotes), and
    /// whether that has escapes.
    private mutating func passString() throws -> (content: Range<Int>, escaped: Bool) {
        try expect(UInt8(ascii: "\""), "expected a string")
        let start = index
        var escaped = false
        var ignored: [UInt8] = []
        while true {
            guard let byte = peek else { throw malformed("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                defer { index += 1 }
                return (start..<index, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                index += 1
                try unescape(into: &ignored)
            case 0..<0x20:
                throw malformed("a control character in a string")
            default:
                index += 1
            }
        }
    }

    /// An object (`keyed`) or array at its opening bracket, members and all.
    private mutating func skipContainer(closedBy close: UInt8, keyed: Bool) throws {
        guard depth < Self.maximumDepth else { throw malformed("nested deeper than \(Self.maximumDepth) levels") }
        depth += 1
        index += 1
        skipWhitespace()
        if consume(close) {
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            if keyed {
                _ = try passString()
                skipWhitespace()
                try expect(UInt8(ascii: ":"), "expected ':' after a key")
                skipWhitespace()
            }
            try skipValue()
            skipWhitespace()
            if consume(UInt8(ascii: ",")) { continue }
            try expect(close, keyed ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
            depth -= 1
            return
        }
    }

    private mutating func finishDocument() throws {
        skipWhitespace()
        guard index == bytes.count else { throw malformed("more after the document's value") }
    }

    private mutating func skipWhitespace() {
        while let next = peek, next == 0x20 || next == 0x0A || next == 0x0D || next == 0x09 { index += 1 }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard peek == byte else { return false }
        index += 1
        return true
    }

    private mutating func expect(_ byte: UInt8, _ reason: String) throws {
        guard consume(byte) else { throw malformed(reason) }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        let matches = word.withUTF8Buffer { word in
            index + count <= bytes.count && bytes[index..<index + count].elementsEqual(word)
        }
        guard matches else { throw malformed("expected \(word)") }
        index += count
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    private mutating func skipNumber() throws {
        let start = index
        _ = consume(UInt8(ascii: "-"))
        if consume(UInt8(ascii: "0")) {
            if let next = peek, isDigit(next) { throw malformed("a number with a leading zero") }
        } else {
            guard digits() else { index = start; throw malformed("expected a value") }
        }
        if consume(UInt8(ascii: ".")) {
            guard digits() else { throw malformed("expected digits after '.'") }
        }
        if let next = peek, next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            index += 1
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard digits() else { throw malformed("expected digits in an exponent") }
        }
    }

    /// At least one digit consumed.
    private mutating func digits() -> Bool {
        let start = index
        while let next = peek, isDigit(next) { index += 1 }
        return index > start
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// The escape after a backslash, as UTF-8; a `\u` high surrogate must be followed by its
    /// low one.
    private mutating func unescape(into utf8: inout [UInt8]) throws {
        guard let escape = peek else { throw malformed("unterminated string") }
        index += 1
        let simple: UInt8? = switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple { return utf8.append(simple) }
        guard escape == UInt8(ascii: "u") else { index -= 1; throw malformed("an unknown escape") }
        var scalar = try hexUnit()
        if (0xD800..<0xDC00).contains(scalar) {
            guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")) else {
                throw malformed("a high surrogate without its low one")
            }
            let low = try hexUnit()
            guard (0xDC00..<0xE000).contains(low) else { throw malformed("a high surrogate without its low one") }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let unicode = Unicode.Scalar(scalar) else { throw malformed("a low surrogate without its high one") }
        utf8.append(contentsOf: String(unicode).utf8)
    }

    /// The four hex digits of a `\u` escape.
    private mutating func hexUnit() throws -> UInt32 {
        guard index + 4 <= bytes.count,
            let unit = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16),
            bytes[index..<index + 4].allSatisfy({ $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "-") })
        else { throw malformed("expected four hex digits after \\u") }
        index += 4
        return unit
    }
}
