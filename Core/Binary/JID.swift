/// A WhatsApp address: `user[.agent][:device]@server` (whatsmeow `types.JID`).
///
/// Regular JIDs name users, groups, broadcast lists, newsletters and servers; AD JIDs add an
/// agent and a device to name one device of a user. `integrator` is used only by interop JIDs
/// and, as in whatsmeow, is not part of the string form.
public struct JID: Sendable, Hashable, CustomStringConvertible {
    public var user: String
    public var rawAgent: UInt8
    public var device: UInt16
    public var integrator: UInt16
    public var server: String

    /// Phone-number users and their devices.
    public static let userServer = "s.whatsapp.net"
    /// Groups.
    public static let groupServer = "g.us"
    /// The old user server, still used for a few official accounts.
    public static let legacyUserServer = "c.us"
    /// Broadcast lists and `status@broadcast`.
    public static let broadcastServer = "broadcast"
    /// LID ("hidden") users and their devices.
    public static let lidServer = "lid"
    /// Messenger users (FB_JID on the wire).
    public static let messengerServer = "msgr"
    /// Interop users (INTEROP_JID on the wire).
    public static let interopServer = "interop"
    /// Newsletters (channels).
    public static let newsletterServer = "newsletter"
    /// Hosted (business API) phone-number users; always AD_JID on the wire.
    public static let hostedServer = "hosted"
    /// Hosted LID users; always AD_JID on the wire.
    public static let hostedLIDServer = "hosted.lid"
    /// Bots such as Meta AI.
    public static let botServer = "bot"

    /// A JID from its parts.
    public init(user: String, server: String, rawAgent: UInt8 = 0, device: UInt16 = 0, integrator: UInt16 = 0) {
        self.user = user
        self.rawAgent = rawAgent
        self.device = device
        self.integrator = integrator
        self.server = server
    }

    /// An AD JID as read from the wire: the agent byte is a domain type (0 `s.whatsapp.net`,
    /// 1 `lid`, 128 `hosted`, 129 `hosted.lid`); any other value is kept as the raw agent of
    /// an `s.whatsapp.net` JID.
    public init(adUser user: String, agent: UInt8, device: UInt8) {
        switch agent {
        case 1: self.init(user: user, server: Self.lidServer, device: UInt16(device))
        case 128: self.init(user: user, server: Self.hostedServer, device: UInt16(device))
        case 129: self.init(user: user, server: Self.hostedLIDServer, device: UInt16(device))
        default: self.init(user: user, server: Self.userServer, rawAgent: agent, device: UInt16(device))
        }
    }

    /// The domain type written in an AD_JID's agent byte; the raw agent for other servers.
    public var actualAgent: UInt8 {
        if server.cheaplyEquals(Self.userServer) { return 0 }
        if server.cheaplyEquals(Self.lidServer) { return 1 }
        if server.cheaplyEquals(Self.hostedServer) { return 128 }
        if server.cheaplyEquals(Self.hostedLIDServer) { return 129 }
        return rawAgent
    }

    /// The same JID without agent and device (the user or entity itself).
    public var nonAD: JID { JID(user: user, server: server, integrator: integrator) }

    /// `user.agent:device@server` when there is an agent, `user:device@server` for a device,
    /// `user@server`, or just `server` when the user is empty; empty when the server is.
    public var description: String {
        if server.isEmpty { return "" }
        if rawAgent == 0, device == 0, user.isEmpty { return server }
        // Written byte by byte into a string of the exact length: interpolating cost ~700
        // instructions a JID, and a send prints dozens.
        let agentDigits = rawAgent > 0 ? Self.decimalDigits(UInt16(rawAgent)) : 0
        let deviceDigits = rawAgent > 0 || device > 0 ? Self.decimalDigits(device) : 0
        var user = user
        var server = server
        return user.withUTF8 { user in
            server.withUTF8 { server in
                let length =
                    user.count + (agentDigits > 0 ? 1 + agentDigits : 0) + (deviceDigits > 0 ? 1 + deviceDigits : 0)
                    + 1 + server.count
                return String(unsafeUninitializedCapacity: length) { output in
                    var written = 0
                    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
                        for byte in bytes {
                            output[written] = byte
                            written += 1
                        }
                    }
                    func write(_ separator: UInt8, _ number: UInt16, digits: Int) {
                        output[written] = separator
                        var rest = number
                        for i in stride(from: written + digits, to: written, by: -1) {
                            output[i] = UInt8(ascii: "0") + UInt8(rest % 10)
                            rest /= 10
                        }
                        written += 1 + digits
                    }
                    write(user)
                    if agentDigits > 0 { write(UInt8(ascii: "."), UInt16(rawAgent), digits: agentDigits) }
                    if deviceDigits > 0 { write(UInt8(ascii: ":"), device, digits: deviceDigits) }
                    output[written] = UInt8(ascii: "@")
                    written += 1
                    write(server)
                    return written
                }
            }
        }
    }

    /// How many decimal digits `number` prints as.
    private static func decimalDigits(_ number: UInt16) -> Int {
        switch number {
        case ..<10: 1
        case ..<100: 2
        case ..<1000: 3
        case ..<10000: 4
        default: 5
        }
    }

    /// Parses the string form with whatsmeow's `ParseJID` rules: without `@` the whole string
    /// is the server; only the first two `@`-separated parts count; agent and device numbers
    /// wrap to their widths like Go's integer conversions.
    public init(parsing string: String) throws(JIDParseError) {
        // Split on bytes, as Go's strings.Split does: splitting Characters cost ~30 k
        // instructions a JID, and a send parses about ten.
        func split(_ text: Substring.UTF8View, _ separator: Unicode.Scalar) -> [Substring] {
            text.split(separator: UInt8(ascii: separator), omittingEmptySubsequences: false).map { Substring($0) }
        }
        let parts = split(Substring(string).utf8, "@")
        guard parts.count > 1 else {
            self.init(user: "", server: string)
            return
        }
        let server = String(parts[1])
        let userPart = parts[0]
        if userPart.utf8.contains(UInt8(ascii: ".")) {
            let dotted = split(userPart.utf8, ".")
            guard dotted.count == 2 else { throw .unexpectedDots }
            let agentAndDevice = split(dotted[1].utf8, ":")
            guard agentAndDevice.count <= 2 else { throw .unexpectedColons }
            let agent = try Self.goInteger(agentAndDevice[0])
            let device = agentAndDevice.count == 2 ? try Self.goInteger(agentAndDevice[1]) : 0
            self.init(
                user: String(dotted[0]), server: server, rawAgent: UInt8(truncatingIfNeeded: agent),
                device: UInt16(truncatingIfNeeded: device))
        } else if userPart.utf8.contains(UInt8(ascii: ":")) {
            let userAndDevice = split(userPart.utf8, ":")
            guard userAndDevice.count == 2 else { throw .unexpectedColons }
            let device = try Self.goInteger(userAndDevice[1])
            self.init(user: String(userAndDevice[0]), server: server, device: UInt16(truncatingIfNeeded: device))
        } else {
            self.init(user: String(userPart), server: server)
        }
    }

    /// Go's `strconv.Atoi`: an optional sign and decimal digits that fit in 64 bits.
    private static func goInteger(_ text: Substring) throws(JIDParseError) -> Int64 {
        var digits = text.utf8[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { throw .invalidNumber(String(text)) }
        var magnitude: UInt64 = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw .invalidNumber(String(text)) }
            let (times10, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { throw .invalidNumber(String(text)) }
            magnitude = sum
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw .invalidNumber(String(text)) }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw .invalidNumber(String(text)) }
        return Int64(magnitude)
    }
}

/// Why a string is not a JID.
public enum JIDParseError: Error, Sendable, Equatable {
    /// The user part has more than one `.` (the agent separator).
    case unexpectedDots
    /// The user part has more than one `:` (the device separator).
    case unexpectedColons
    /// An agent or device is not a decimal integer.
    case invalidNumber(String)
}
