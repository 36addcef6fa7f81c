import WABinary

/// Which Signal session a message to a device goes on (whatsmeow's `encryptMessageForDevices`,
/// and its `handleRetryReceipt` for a resend): a phone-number device whose account's LID is
/// known goes on the session of the same device under that LID, where the phone number's
/// Signal state was moved first (`SignalLIDMigration`), as messages from it decrypt there
/// (`LIDDecryption`); its `<to jid>` still names the phone-number device it was addressed to.
/// Every other device goes on its own session.
public struct LIDEncryption: Sendable, Hashable {
    /// The LID user of each phone-number user (user JIDs) whose devices go on LID sessions.
    public private(set) var lids: [JID: JID]

    /// - Parameter lids: LID users by phone-number user; pairs of other servers are left out.
    public init(lids: [JID: JID] = [:]) {
        self.lids = [:]
        for (phone, lid) in lids where phone.server == JID.userServer && lid.server == JID.lidServer {
            self.lids[phone.nonAD] = lid.nonAD
        }
    }

    /// How to encrypt for `devices`: the phone-number users among them paired with the LIDs
    /// `storedLIDs` answers for them (stored ones: whatsmeow asks the server for none here).
    public static func of(
        _ devices: [JID], storedLIDs: @Sendable (Set<JID>) async throws -> [JID: JID]
    ) async throws -> LIDEncryption {
        let phones = Set(devices.lazy.filter { $0.server == JID.userServer }.map(\.nonAD))
        guard !phones.isEmpty else { return LIDEncryption() }
        return LIDEncryption(lids: try await storedLIDs(phones))
    }

    /// The device whose session encrypts what goes to `device`.
    public func sessionDevice(for device: JID) -> JID {
        guard device.server == JID.userServer, let lid = lids[device.nonAD] else { return device }
        return Self.lidDevice(of: device, lid: lid)
    }

    /// Phone-number `device` as the same device of its account's LID user `lid`.
    public static func lidDevice(of device: JID, lid: JID) -> JID {
        JID(user: lid.user, server: JID.lidServer, device: device.device)
    }
}
