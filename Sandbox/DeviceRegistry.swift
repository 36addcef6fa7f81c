import WABinary

/// The companion devices the sandbox knows and the connection each is logged in on. A login
/// is accepted only for a device listed here, with the Noise key it registered.
public actor DeviceRegistry {
    /// One linked device.
    public struct Device: Sendable, Hashable {
        /// The device-level phone-number JID, e.g. `15551234567:1@s.whatsapp.net`.
        public var jid: JID
        /// The account's LID user JID (`…@lid`), if it has one; `<success>` names its device.
        public var lid: JID?
        /// The X25519 Noise static key the device registered with.
        public var noiseKey: [UInt8]

        public init(jid: JID, lid: JID? = nil, noiseKey: [UInt8]) {
            self.jid = jid
            self.lid = lid
            self.noiseKey = noiseKey
        }
    }

    private var devices: [JID: Device] = [:]
    private var online: [JID: SandboxConnection] = [:]

    public init() {}

    /// Adds or replaces a device (pairing does this once the phone confirmed it).
    public func add(_ device: Device) {
        devices[device.jid] = device
    }

    /// Forgets a device; its connection, if any, is left to the caller to end.
    public func remove(_ jid: JID) {
        devices[jid] = nil
    }

    /// The device registered as `jid`.
    public func device(_ jid: JID) -> Device? {
        devices[jid]
    }

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
}
