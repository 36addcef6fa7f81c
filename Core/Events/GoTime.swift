import Foundation

/// A Go `time.Time` as `encoding/json` writes it: RFC 3339 in the time's own zone offset, with
/// the fraction's trailing zeros dropped (`2025-10-09T08:53:20Z`, `2025-10-09T06:12:20-03:00`).
///
/// whatsmeow makes its times with `time.Unix`, i.e. in the process's local zone, so a time here
/// carries the UTC offset of the zone it was made in. Only years 0...9999 and offsets under
/// 24 hours can be written (Go's `MarshalJSON` fails on others), so no other value can be made.
public struct GoTime: Sendable, Hashable, GoJSONEncodable {
    /// Seconds since the Unix epoch.
    public let unixSeconds: Int64
    /// 0..<1_000_000_000.
    public let nanoseconds: Int32
    /// Seconds east of UTC.
    public let utcOffset: Int32

    /// Go's zero `time.Time{}`: January 1 of year 1, 00:00:00 UTC.
    public static let zero = GoTime(checkedUnixSeconds: -62_135_596_800, nanoseconds: 0, utcOffset: 0)

    private static let secondsPerDay: Int64 = 86_400
    /// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z, whose local dates bound what Go writes.
    private static let writableLocalSeconds: Range<Int64> = -62_167_219_200..<253_402_300_800

    /// `time.Unix(seconds, nanoseconds)` in `zone`.
    public init(unixSeconds: Int64, nanoseconds: Int32 = 0, in zone: TimeZone) throws(GoTimeError) {
        let date = Date(timeIntervalSince1970: TimeInterval(unixSeconds))
        let offset = Int32(zone.secondsFromGMT(for: date))
        try self.init(unixSeconds: unixSeconds, nanoseconds: nanoseconds, utcOffset: offset)
    }

    /// `time.UnixMilli(milliseconds)` in `zone`.
    public init(unixMilliseconds: Int64, in zone: TimeZone) throws(GoTimeError) {
        let (seconds, remainder) = unixMilliseconds.quotientAndRemainder(dividingBy: 1000)
        // Floor division, so that the nanoseconds are never negative.
        let (wholeSeconds, milliseconds) = remainder < 0 ? (seconds - 1, remainder + 1000) : (seconds, remainder)
        try self.init(unixSeconds: wholeSeconds, nanoseconds: Int32(milliseconds * 1_000_000), in: zone)
    }

    /// A time with an explicit UTC offset in seconds.
    public init(unixSeconds: Int64, nanoseconds: Int32 = 0, utcOffset: Int32) throws(GoTimeError) {
        guard (0..<1_000_000_000).contains(nanoseconds) else { throw .nanosecondsOutOfRange(nanoseconds) }
        guard utcOffset.magnitude < 24 * 3600 else { throw .offsetOutOfRange(utcOffset) }
        let (local, overflow) = unixSeconds.addingReportingOverflow(Int64(utcOffset))
        guard !overflow, Self.writableLocalSeconds.contains(local) else {
            throw .yearOutOfRange(unixSeconds: unixSeconds)
        }
        self.init(checkedUnixSeconds: unixSeconds, nanoseconds: nanoseconds, utcOffset: utcOffset)
    }

    private init(checkedUnixSeconds: Int64, nanoseconds: Int32, utcOffset: Int32) {
        self.unixSeconds = checkedUnixSeconds
        self.nanoseconds = nanoseconds
        self.utcOffset = utcOffset
    }

    /// Whether this is Go's zero time (`time.Time.IsZero`).
    public var isZero: Bool { unixSeconds == Self.zero.unixSeconds && nanoseconds == 0 }

    /// The RFC 3339 text Go's `MarshalJSON` writes (without the quotes).
    public var rfc3339: String {
        let local = unixSeconds + Int64(utcOffset)
        let days = local >= 0 ? local / Self.secondsPerDay : (local - Self.secondsPerDay + 1) / Self.secondsPerDay
        let secondOfDay = Int(local - days * Self.secondsPerDay)
        let (year, month, day) = Self.civilDate(daysSinceEpoch: days)
        var text = Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
        text += "T" + Self.padded(secondOfDay / 3600, 2) + ":" + Self.padded(secondOfDay / 60 % 60, 2)
        text += ":" + Self.padded(secondOfDay % 60, 2)
        if nanoseconds > 0 {
            var fraction = Self.padded(Int(nanoseconds), 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        if utcOffset == 0 { return text + "Z" }
        // Go writes whole minutes, truncating any seconds of the offset.
        let minutes = Int(utcOffset / 60)
        let sign = minutes < 0 ? "-" : "+"
        return text + sign + Self.padded(abs(minutes) / 60, 2) + ":" + Self.padded(abs(minutes) % 60, 2)
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) {
        writer.string(rfc3339)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// The proleptic Gregorian date of a day count from 1970-01-01 (Howard Hinnant's
    /// `civil_from_days`).
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int, month: Int, day: Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
        let month = Int(shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9)
        let year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}

/// Why a time cannot be a `GoTime`.
public enum GoTimeError: Error, Sendable, Equatable {
    /// The local year is outside 0...9999, which Go's `MarshalJSON` refuses.
    case yearOutOfRange(unixSeconds: Int64)
    /// The zone offset is 24 hours or more.
    case offsetOutOfRange(Int32)
    case nanosecondsOutOfRange(Int32)
}
