import Foundation
import GRDB
import Synchronization
import WASignal

/// Moves a peer's Signal state from its phone-number addresses to its LID addresses once its
/// LID is known (whatsmeow's `MigratePNToLID`): the sessions of each of its devices with the
/// peer identities, and the sender keys it gave us in groups. The conversation then goes on in
/// the same ratchets when the peer writes, or is written to, as a LID: no new prekey message,
/// no retry. A LID session already there is kept (it is the newer one); the phone-number
/// state is deleted either way.
///
/// Writes go through the device's `SignalStore`, so its cache stays right; the caller runs
/// this alone among the device's Signal operations (the client's `withSignalSessions`).
public final class SignalLIDMigration: Sendable {
    /// What one migration moved.
    public struct Moved: Sendable, Equatable {
        public var sessions = 0
        public var senderKeys = 0
    }

    private let database: WagoDatabase
    private let device: String
    private let store: SignalStore
    /// Phone-number addresses migrated by this process (whatsmeow's `migratedPNSessionsCache`):
    /// each is looked at once, as its later state is written under the LID.
    private let migrated = Mutex(Set<String>())

    public init(database: WagoDatabase, device: String) {
        self.database = database
        self.device = device
        store = SignalStore(database: database, device: device)
    }

    /// Whether the phone-number state of `phoneName` was not looked at yet by this process: a
    /// check without waiting for the device's Signal lock, which `migrate` then needs.
    public func isPending(_ phoneName: String) -> Bool {
        !migrated.withLock { $0.contains(phoneName) }
    }

    /// Moves the state of every device of the peer whose Signal address name is `phoneName`
    /// (a phone number's, e.g. "5511999990001") to the same devices under `lidName` (its LID's,
    /// e.g. "123456789012345_1"). Done once per phone number and process; a failed migration
    /// is tried again next time.
    /// - Parameter ownDevice: this device, when `phoneName` is our own number: its own sender
    ///   keys stay, as they are named by the address our messages to phone-number groups go
    ///   as (whatsmeow names its own by LID alone, so its migration moves no key of its own).
    @discardableResult
    public func migrate(from phoneName: String, to lidName: String, keeping ownDevice: SignalAddress? = nil) async throws
        -> Moved
    {
        guard migrated.withLock({ $0.insert(phoneName).inserted }) else { return Moved() }
        do {
            return try await move(from: phoneName, to: lidName, keeping: ownDevice)
        } catch {
            _ = migrated.withLock { $0.remove(phoneName) }
            throw error
        }
    }

    private func move(from phoneName: String, to lidName: String, keeping ownDevice: SignalAddress?) async throws -> Moved {
        let prefix = phoneName + ":"
        let (sessionAddresses, senderKeyRows) = try await database.pool.read { [device] db in
            (
                try String.fetchAll(
                    db, sql: "SELECT address FROM signalSession WHERE device = ? AND substr(address, 1, ?) = ?",
                    arguments: [device, prefix.count, prefix]),
                try Row.fetchAll(
                    db, sql: "SELECT groupID, sender FROM signalSenderKey WHERE device = ? AND substr(sender, 1, ?) = ?",
                    arguments: [device, prefix.count, prefix]
                ).map { (groupID: $0["groupID"] as String, sender: $0["sender"] as String) }
            )
        }
        var batch = SignalWriteBatch()
        var moved = Moved()
        var phoneAddresses: [SignalAddress] = []
        for text in sessionAddresses {
            guard let address = Self.address(text, named: phoneName) else { continue }
            phoneAddresses.append(address)
            let lidAddress = SignalAddress(name: lidName, deviceID: address.deviceID)
            guard let record = try await store.session(for: address), let identity = record.remoteIdentity,
                try await store.session(for: lidAddress)?.hasSession != true
            else { continue }
            batch.add(SessionCommit(address: lidAddress, record: record, remoteIdentity: identity, consumedPreKeyID: nil))
            moved.sessions += 1
        }
        for row in senderKeyRows {
            guard let sender = Self.address(row.sender, named: phoneName), sender != ownDevice else { continue }
            let phoneKey = SenderKeyName(groupID: row.groupID, sender: sender)
            let lidKey = SenderKeyName(groupID: row.groupID, sender: SignalAddress(name: lidName, deviceID: sender.deviceID))
            guard let record = try await store.senderKey(for: phoneKey) else { continue }
            if try await store.senderKey(for: lidKey) == nil {
                batch.add(record, for: lidKey)
                moved.senderKeys += 1
            }
            // An empty record is no key: the phone-number sender decrypts nothing more with it.
            batch.add(SenderKeyRecord(), for: phoneKey)
        }
        try await store.commit(batch)
        for address in phoneAddresses { try await store.removeIdentityAndSession(for: address) }
        return moved
    }

    /// `text` ("name:device", as addresses are stored) when its name is exactly `name`.
    private static func address(_ text: String, named name: String) -> SignalAddress? {
        guard let colon = text.lastIndex(of: ":"), text[..<colon] == name,
            let deviceID = UInt32(text[text.index(after: colon)...])
        else { return nil }
        return SignalAddress(name: name, deviceID: deviceID)
    }
}
