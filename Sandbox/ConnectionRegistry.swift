import WABinary

/// The live connections: which one each device is logged in on, and the registering ones a
/// phone can link, found by the QR refs they were shown or the phone number they asked a pair
/// code for.
actor ConnectionRegistry {
    /// How a QR ref stands.
    enum RefLookup {
        /// The ref is live; `connection` was shown it.
        case live(SandboxConnection)
        /// The ref was issued but its time is up or its connection is gone.
        case expired
        case unknown
    }

    private struct IssuedRef {
        /// nil once the connection closed.
        var connection: SandboxConnection?
        var expiresAt: ContinuousClock.Instant
    }

    private var online: [JID: SandboxConnection] = [:]
    private var refs: [String: IssuedRef] = [:]
    /// Registering connections waiting for a pair code, by the phone number they named.
    private var pairCodeRequests: [String: SandboxConnection] = [:]

    /// How long issued refs are remembered after they expired, to tell "expired" from "unknown".
    private static let expiredRefMemory: Duration = .seconds(3600)

    // MARK: Logins

    /// The connection logged in as `jid`, if any.
    func connection(for jid: JID) -> SandboxConnection? {
        online[jid]
    }

    /// Records `connection` as the one logged in as `jid`; returns the connection it replaces.
    func logIn(_ jid: JID, on connection: SandboxConnection) -> SandboxConnection? {
        defer { online[jid] = connection }
        return online[jid].flatMap { $0 === connection ? nil : $0 }
    }

    /// Forgets `connection` as `jid`'s, unless another login already replaced it.
    func logOut(_ jid: JID, from connection: SandboxConnection) {
        if online[jid] === connection { online[jid] = nil }
    }

    // MARK: Registering connections

    /// Records the refs a `pair-device` showed `connection`: WhatsApp shows the first for
    /// `firstLifetime`, then each next one for `rotation`.
    func issue(_ issued: [String], to connection: SandboxConnection, firstLifetime: Duration, rotation: Duration) {
        let now = ContinuousClock.now
        refs = refs.filter { now < $0.value.expiresAt + Self.expiredRefMemory }
        for (index, ref) in issued.enumerated() {
            refs[ref] = IssuedRef(connection: connection, expiresAt: now + firstLifetime + rotation * index)
        }
    }

    func lookUp(ref: String) -> RefLookup {
        guard let issued = refs[ref] else { return .unknown }
        guard let connection = issued.connection, ContinuousClock.now < issued.expiresAt else { return .expired }
        return .live(connection)
    }

    /// Records that `connection` asked for a pair code for `phone` (the latest request wins).
    func requestPairCode(phone: String, on connection: SandboxConnection) {
        pairCodeRequests[phone] = connection
    }

    /// The live connection waiting for a pair code for `phone`.
    func pairCodeRequest(phone: String) -> SandboxConnection? {
        pairCodeRequests[phone]
    }

    /// Forgets a closed registering connection: its refs expire, its pair-code request goes.
    func registrationEnded(_ connection: SandboxConnection) {
        for (ref, issued) in refs where issued.connection === connection {
            refs[ref]?.connection = nil
        }
        pairCodeRequests = pairCodeRequests.filter { $0.value !== connection }
    }
}
