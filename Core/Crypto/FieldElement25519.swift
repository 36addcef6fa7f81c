/// An element of GF(2^255 - 19) in five 51-bit limbs: just enough field arithmetic to map a
/// Montgomery u-coordinate to an Edwards y-coordinate, which libsodium does not expose.
struct FieldElement25519 {
    private static let mask: UInt64 = (1 << 51) - 1
    private var limbs: (UInt64, UInt64, UInt64, UInt64, UInt64)

    static let one = FieldElement25519(limbs: (1, 0, 0, 0, 0))

    private init(limbs: (UInt64, UInt64, UInt64, UInt64, UInt64)) { self.limbs = limbs }

    /// Loads 32 little-endian bytes, ignoring the top bit (as curve25519 does).
    init(bytes: [UInt8]) {
        func load(_ offset: Int) -> UInt64 {
            var value: UInt64 = 0
            for i in 0..<8 where offset + i < bytes.count { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            return value
        }
        limbs = (
            load(0) & Self.mask, (load(6) >> 3) & Self.mask, (load(12) >> 6) & Self.mask,
            (load(19) >> 1) & Self.mask, (load(24) >> 12) & Self.mask
        )
    }

    /// The canonical (fully reduced) 32-byte little-endian encoding.
    var bytes: [UInt8] {
        var r = carried().carried().limbs
        // q = 1 exactly when the value is >= p; adding 19q and dropping bit 255 subtracts p.
        var q = (r.0 + 19) >> 51
        q = (r.1 + q) >> 51
        q = (r.2 + q) >> 51
        q = (r.3 + q) >> 51
        q = (r.4 + q) >> 51
        r.0 += 19 * q
        r.1 += r.0 >> 51; r.0 &= Self.mask
        r.2 += r.1 >> 51; r.1 &= Self.mask
        r.3 += r.2 >> 51; r.2 &= Self.mask
        r.4 += r.3 >> 51; r.3 &= Self.mask
        r.4 &= Self.mask
        let words = [r.0 | r.1 << 51, r.1 >> 13 | r.2 << 38, r.2 >> 26 | r.3 << 25, r.3 >> 39 | r.4 << 12]
        return words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }
    }

    private func carried() -> FieldElement25519 {
        var r = limbs
        r.1 += r.0 >> 51; r.0 &= Self.mask
        r.2 += r.1 >> 51; r.1 &= Self.mask
        r.3 += r.2 >> 51; r.2 &= Self.mask
        r.4 += r.3 >> 51; r.3 &= Self.mask
        r.0 += 19 * (r.4 >> 51); r.4 &= Self.mask
        return FieldElement25519(limbs: r)
    }

    static func + (a: Self, b: Self) -> Self {
        FieldElement25519(limbs: (
            a.limbs.0 + b.limbs.0, a.limbs.1 + b.limbs.1, a.limbs.2 + b.limbs.2,
            a.limbs.3 + b.limbs.3, a.limbs.4 + b.limbs.4)).carried()
    }

    /// a - b computed as a + 2p - b so limbs never underflow (operands are carried, < 2^52).
    static func - (a: Self, b: Self) -> Self {
        let twoP0: UInt64 = 0xF_FFFF_FFFF_FFDA, twoP: UInt64 = 0xF_FFFF_FFFF_FFFE
        return FieldElement25519(limbs: (
            a.limbs.0 + twoP0 - b.limbs.0, a.limbs.1 + twoP - b.limbs.1, a.limbs.2 + twoP - b.limbs.2,
            a.limbs.3 + twoP - b.limbs.3, a.limbs.4 + twoP - b.limbs.4)).carried()
    }

    static func * (a: Self, b: Self) -> Self {
        let (a0, a1, a2, a3, a4) = (UInt128(a.limbs.0), UInt128(a.limbs.1), UInt128(a.limbs.2), UInt128(a.limbs.3), UInt128(a.limbs.4))
        let (b0, b1, b2, b3, b4) = (UInt128(b.limbs.0), UInt128(b.limbs.1), UInt128(b.limbs.2), UInt128(b.limbs.3), UInt128(b.limbs.4))
        let (b1x19, b2x19, b3x19, b4x19) = (b1 * 19, b2 * 19, b3 * 19, b4 * 19)
        var t0 = a0 * b0 + a1 * b4x19 + a2 * b3x19 + a3 * b2x19 + a4 * b1x19
        var t1 = a0 * b1 + a1 * b0 + a2 * b4x19 + a3 * b3x19 + a4 * b2x19
        var t2 = a0 * b2 + a1 * b1 + a2 * b0 + a3 * b4x19 + a4 * b3x19
        var t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0 + a4 * b4x19
        var t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0
        let mask = UInt128(Self.mask)
        t1 += t0 >> 51; t0 &= mask
        t2 += t1 >> 51; t1 &= mask
        t3 += t2 >> 51; t2 &= mask
        t4 += t3 >> 51; t3 &= mask
        t0 += 19 * (t4 >> 51); t4 &= mask
        return FieldElement25519(limbs: (
            UInt64(truncatingIfNeeded: t0), UInt64(truncatingIfNeeded: t1), UInt64(truncatingIfNeeded: t2),
            UInt64(truncatingIfNeeded: t3), UInt64(truncatingIfNeeded: t4))).carried()
    }

    private func squared(times: Int) -> Self {
        var x = self
        for _ in 0..<times { x = x * x }
        return x
    }

    /// self^(p-2), the multiplicative inverse (0 maps to 0), by the usual ref10 addition chain.
    func inverted() -> Self {
        let z2 = squared(times: 1)
        let z9 = z2.squared(times: 2) * self
        let z11 = z9 * z2
        let z2_5_0 = z11.squared(times: 1) * z9
        let z2_10_0 = z2_5_0.squared(times: 5) * z2_5_0
        let z2_20_0 = z2_10_0.squared(times: 10) * z2_10_0
        let z2_40_0 = z2_20_0.squared(times: 20) * z2_20_0
        let z2_50_0 = z2_40_0.squared(times: 10) * z2_10_0
        let z2_100_0 = z2_50_0.squared(times: 50) * z2_50_0
        let z2_200_0 = z2_100_0.squared(times: 100) * z2_100_0
        let z2_250_0 = z2_200_0.squared(times: 50) * z2_50_0
        return z2_250_0.squared(times: 5) * z11
    }
}
