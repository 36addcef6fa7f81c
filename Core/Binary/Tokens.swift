/// Byte values with a fixed meaning in the binary node format (whatsmeow `binary/token`).
enum WireTag {
    static let listEmpty: UInt8 = 0
    /// The last single-byte token; 1...lastSingleByteToken index `Tokens.singleByte`.
    static let lastSingleByteToken: UInt8 = 235
    static let dictionary0: UInt8 = 236
    static let dictionary3: UInt8 = 239
    static let interopJID: UInt8 = 245
    static let fbJID: UInt8 = 246
    static let adJID: UInt8 = 247
    static let list8: UInt8 = 248
    static let list16: UInt8 = 249
    static let jidPair: UInt8 = 250
    static let hex8: UInt8 = 251
    static let binary8: UInt8 = 252
    static let binary20: UInt8 = 253
    static let binary32: UInt8 = 254
    static let nibble8: UInt8 = 255

    /// The longest string that NIBBLE_8/HEX_8 may pack.
    static let packedMax = 127
}

/// The token dictionaries (`Tokens+Generated.swift`) and the lookups built from them.
enum Tokens {
    /// Every token by its wire code: single-byte tokens at their byte, double-byte token
    /// `index` of dictionary `d` at `256 + d * 256 + index`. One flat table keeps the
    /// decoder's lookup to a single subscript; every dictionary has 256 tokens, so every
    /// `code(dictionaryTag:index:)` is in it.
    static let byCode: ImmortalTable<String> = {
        var table = singleByte + [String](repeating: "", count: 256 - singleByte.count)
        for dictionary in doubleByte { table += dictionary }
        return ImmortalTable(table)
    }()

    /// The flat `byCode` index of a double-byte token.
    @inline(__always)
    static func code(dictionaryTag: UInt8, index: UInt8) -> Int {
        256 &+ Int(dictionaryTag &- WireTag.dictionary0) &<< 8 &+ Int(index)
    }

    /// String → wire bytes for the encoder.
    static let index = TokenIndex()
}

/// An open-addressing hash table from a token's UTF-8 bytes to its wire bytes.
///
/// The encoder looks up every tag, key and value, so misses must be cheap: strings longer
/// than the longest token with their first byte (all numbers and ids of more than four
/// digits) skip the table, and the hash reads only the length and three bytes of a string,
/// under which the tokens stay unique to within a handful of collisions.
struct TokenIndex: Sendable {
    private struct Slot: Sendable {
        var offset: UInt32 = 0
        /// 0 marks an empty slot (every token is non-empty).
        var length: UInt16 = 0
        /// `< 0x100`: a single-byte token; otherwise `dictionaryTag << 8 | index`.
        var code: UInt16 = 0
    }

    private static let slotBits = 12
    private let slots: ImmortalTable<Slot>
    /// The tokens' bytes back to back; slots point into it.
    private let pool: ImmortalTable<UInt8>
    /// The length of the longest token that starts with each byte (0: none does).
    private let longestByFirstByte: ImmortalTable<UInt8>

    init() {
        var slots = [Slot](repeating: Slot(), count: 1 << Self.slotBits)
        var pool: [UInt8] = []
        var longestByFirstByte = [UInt8](repeating: 0, count: 256)
        func add(_ token: String, code: UInt16) {
            let bytes = Array(token.utf8)
            longestByFirstByte[Int(bytes[0])] = max(longestByFirstByte[Int(bytes[0])], UInt8(bytes.count))
            var slot = bytes.withUnsafeBufferPointer(Self.slot(for:))
            while slots[slot].length != 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Slot(offset: UInt32(pool.count), length: UInt16(bytes.count), code: code)
            pool += bytes
        }
        for (byte, token) in Tokens.singleByte.enumerated() where !token.isEmpty {
            add(token, code: UInt16(byte))
        }
        for (dictionary, tokens) in Tokens.doubleByte.enumerated() {
            for (index, token) in tokens.enumerated() {
                add(token, code: UInt16(WireTag.dictionary0 + UInt8(dictionary)) << 8 | UInt16(index))
            }
        }
        self.slots = ImmortalTable(slots)
        self.pool = ImmortalTable(pool)
        self.longestByFirstByte = ImmortalTable(longestByFirstByte)
    }

    /// The home slot of non-empty `bytes`.
    @inline(__always)
    private static func slot(for bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let count = bytes.count
        var key = UInt64(count) | UInt64(bytes[0]) << 8 | UInt64(bytes[count &- 1]) << 16
        key |= UInt64(bytes[count >> 1]) << 24 | UInt64(bytes[(count &- 1) / 3]) << 32
        return Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }

    /// Compares `count` bytes with a few word loads instead of a byte loop: eight bytes at a
    /// time, then the last word of the width that fits, overlapping what came before.
    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        let a = UnsafeRawPointer(a)
        let b = UnsafeRawPointer(b)
        @inline(__always)
        func same<Word: FixedWidthInteger>(_ offset: Int, _: Word.Type) -> Bool {
            a.loadUnaligned(fromByteOffset: offset, as: Word.self) == b.loadUnaligned(fromByteOffset: offset, as: Word.self)
        }
        switch count {
        case 8...:
            var offset = 0
            while offset &+ 8 < count {
                guard same(offset, UInt64.self) else { return false }
                offset &+= 8
            }
            return same(count &- 8, UInt64.self)
        case 4...: return same(0, UInt32.self) && same(count &- 4, UInt32.self)
        case 2...: return same(0, UInt16.self) && same(count &- 2, UInt16.self)
        case 1: return same(0, UInt8.self)
        default: return true
        }
    }

    /// The wire code of `bytes` (see `Slot.code`), or nil when they are not a token.
    @inline(__always)
    func code(for bytes: UnsafeBufferPointer<UInt8>) -> UInt16? {
        guard let first = bytes.first, bytes.count <= longestByFirstByte[Int(first)] else { return nil }
        var slot = Self.slot(for: bytes)
        while true {
            let candidate = slots[slot]
            if candidate.length == 0 { return nil }
            if Int(candidate.length) == bytes.count,
                Self.equal(pool.elements.baseAddress! + Int(candidate.offset), bytes.baseAddress!, bytes.count)
            {
                return candidate.code
            }
            slot = (slot &+ 1) & (slots.count &- 1)
        }
    }
}
