import Foundation
import WABinary

/// The virtual accounts and their devices, kept in `sandbox-accounts.json` in the data folder
/// (readable by the owner only, rewritten atomically on every change) so that a restarted
/// sandbox still knows every account and linked device.
public actor AccountStore {
    static let fileName = "sandbox-accounts.json"

    private let file: URL
    private var accounts: [String: VirtualAccount] {
        didSet { phoneByLID = Self.phonesByLID(accounts) }
    }
    /// Finds an account by LID without a scan (messages are addressed by LID).
    private var phoneByLID: [String: String]

    /// Reads the accounts file in `directory`; a missing file means no accounts yet.
    init(directory: URL) throws {
        file = directory.appendingPathComponent(Self.fileName)
        let stored = try PrivateFile.readJSON([VirtualAccount].self, from: file) ?? []
        accounts = Dictionary(stored.map { ($0.phone, $0) }, uniquingKeysWith: { first, _ in first })
        phoneByLID = Self.phonesByLID(accounts)
    }

    private static func phonesByLID(_ accounts: [String: VirtualAccount]) -> [String: String] {
        Dictionary(accounts.values.map { ($0.lid, $0.phone) }, uniquingKeysWith: { first, _ in first })
    }

    // MARK: Accounts

    /// Creates an account with fresh phone keys.
    public func createAccount(phone: String, pushName: String) throws(AccountStoreError) -> VirtualAccount {
        guard (7...15).contains(phone.count), phone.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalidPhone(phone)
        }
        guard accounts[phone] == nil else { throw .accountExists(phone: phone) }
        let account: VirtualAccount
        do {
            account = try VirtualAccount(phone: phone, pushName: pushName)
        } catch {
            throw .storage("key generation failed: \(error)")
        }
        try change { $0[phone] = account }
        return account
    }

    /// Every account, by phone number.
    public func all() -> [VirtualAccount] {
        accounts.values.sorted { $0.phone < $1.phone }
    }

    public func account(phone: String) -> VirtualAccount? {
        accounts[phone]
    }

    /// The account `jid` belongs to, by phone number or LID.
    func account(owning jid: JID) -> VirtualAccount? {
        switch jid.server {
        case JID.userServer: return accounts[jid.user]
        case JID.lidServer: return phoneByLID[jid.user].flatMap { accounts[$0] }
        default: return nil
        }
    }

    // MARK: Companions

    /// The companion `jid` (`phone:device@s.whatsapp.net`) and its account's LID user.
    func companion(_ jid: JID) -> (device: LinkedDevice, lid: JID)? {
        guard jid.server == JID.userServer, jid.device != 0, let account = accounts[jid.user],
            let device = account.companions.first(where: { $0.deviceID == jid.device })
        else { return nil }
        return (device, account.lidJID)
    }

    /// The device id and ADV key index of the next companion of `phone`, used up even when
    /// that companion then refuses to link (as on WhatsApp, key indexes only grow).
    func reserveCompanionSlot(phone: String) throws(AccountStoreError) -> (deviceID: UInt16, keyIndex: UInt32) {
        guard let account = accounts[phone] else { throw .unknownAccount(phone: phone) }
        let slot = (account.nextDeviceID, account.nextKeyIndex)
        try change {
            $0[phone]?.nextDeviceID += 1
            $0[phone]?.nextKeyIndex += 1
        }
        return slot
    }

    /// Records a companion the phone has confirmed.
    func addCompanion(_ device: LinkedDevice, phone: String) throws(AccountStoreError) {
        guard accounts[phone] != nil else { throw .unknownAccount(phone: phone) }
        try change {
            $0[phone]?.companions.removeAll { $0.deviceID == device.deviceID }
            $0[phone]?.companions.append(device)
        }
    }

    /// Forgets the companion `jid` (`phone:device@s.whatsapp.net`).
    func removeCompanion(_ jid: JID) throws(AccountStoreError) {
        guard companion(jid) != nil else { throw .unknownDevice(jid) }
        try change { $0[jid.user]?.companions.removeAll { $0.deviceID == jid.device } }
    }

    // MARK: Published keys

    /// The keys the server holds for device `jid` (phone number or LID form; device 0 is the phone).
    func keys(of jid: JID) -> PublishedKeys? {
        account(owning: jid)?.keys(ofDevice: jid.device)
    }

    /// Changes the keys the server holds for device `jid`.
    func updateKeys(of jid: JID, _ update: @Sendable (inout PublishedKeys) -> Void) throws(AccountStoreError) {
        guard var account = account(owning: jid), account.updateKeys(ofDevice: jid.device, update) else {
            throw .unknownDevice(jid)
        }
        try change { $0[account.phone] = account }
    }

    /// The keys of device `jid` for a sender, with one one-time prekey taken off the server
    /// (nil when it has none left), or nil for an unknown device.
    func claimBundle(of jid: JID) throws(AccountStoreError) -> (keys: PublishedKeys, preKey: PublishedKeys.PreKey?)? {
        guard var keys = keys(of: jid) else { return nil }
        guard !keys.preKeys.isEmpty else { return (keys, nil) }
        let preKey = keys.preKeys.removeFirst()
        try updateKeys(of: jid) { _ = $0.preKeys.removeFirst() }
        keys.preKeys = []
        return (keys, preKey)
    }

    // MARK: Persistence

    /// Applies `mutation` and saves; when saving fails the change is undone.
    private func change(_ mutation: (inout [String: VirtualAccount]) -> Void) throws(AccountStoreError) {
        let before = accounts
        mutation(&accounts)
        do throws(PrivateFile.WriteError) {
            try save()
        } catch {
            accounts = before
            throw .storage(error.description)
        }
    }

    private func save() throws(PrivateFile.WriteError) {
        try PrivateFile.writeJSON(all(), to: file)
    }
}
