/// The settings `POST /sandbox/groups/settings` sets; nil leaves one as it is.
struct GroupSettingsChange: Sendable, Equatable {
    /// The disappearing-message timers WhatsApp offers, by their control API name.
    static let ephemeralTimers: [(name: String, seconds: UInt32)] = [
        ("off", 0), ("24h", 86_400), ("7d", 604_800), ("90d", 7_776_000),
    ]

    var isAnnounce: Bool?
    var isLocked: Bool?
    /// Seconds; 0 turns disappearing messages off.
    var ephemeralTimer: UInt32?
    var isJoinApprovalRequired: Bool?

    /// Reads `{Announce?, Locked?, Ephemeral?: off|24h|7d|90d, JoinApproval?}`.
    /// - Throws: `ControlError.badRequest` for a field of the wrong type, an unknown timer, or
    ///   no setting at all.
    init(_ body: ControlBody) throws(ControlError) {
        isAnnounce = try body.optionalBool("Announce")
        isLocked = try body.optionalBool("Locked")
        isJoinApprovalRequired = try body.optionalBool("JoinApproval")
        if let name = try body.optionalString("Ephemeral") {
            guard let timer = Self.ephemeralTimers.first(where: { $0.name == name }) else {
                let names = Self.ephemeralTimers.map(\.name).joined(separator: ", ")
                throw .badRequest("Ephemeral must be one of \(names), not \"\(name)\"")
            }
            ephemeralTimer = timer.seconds
        }
        guard isAnnounce != nil || isLocked != nil || ephemeralTimer != nil || isJoinApprovalRequired != nil else {
            throw .badRequest("give at least one of Announce, Locked, Ephemeral, JoinApproval")
        }
    }
}
