import Foundation
import WACrypto
import WASignal

/// What the virtual phones keep besides their keys, in the data folder: their Signal sessions
/// and the identities they trust, the one-time prekeys sessions consumed, and the messages they
/// received. A restarted sandbox's phones keep talking on the same sessions.
///
/// Each change is appended to `sandbox-phones.log` (a `PhoneChangeLog`) rather than rewriting
/// every phone's state per message; the log is folded into the snapshot `sandbox-phones.json`
/// (owner-only, written atomically) on open and whenever it grows past `compactionThreshold`.
actor PhoneStore {
    static let fileName = "sandbox-phones.json"
    /// How many received messages each phone keeps; older ones are dropped.
    static let messageLimit = 1000
    /// How many changes the log holds before they are folded into the snapshot.
    static let compactionThreshold = 20_000

    /// One phone's state. Sessions and identities are keyed by the peer's Signal address.
    struct PhoneState: Codable, Sendable {
        var sessions: [String: Data] = [:]
        var identities: [String: Data] = [:]
        var consumedPreKeys: Set<UInt32> = []
        var received: [PhoneMessage] = []
    }

    private let file: URL
    private let log: PhoneChangeLog
    /// By phone number.
    private var phones: [String: PhoneState]

    /// Reads the snapshot in `directory` and replays the changes logged after it; a missing
    /// snapshot means the phones have no state yet.
    init(directory: URL) throws {
        file = directory.appendingPathComponent(Self.fileName)
        var phones = try PrivateFile.readJSON([String: PhoneState].self, from: file) ?? [:]
        let log = try PhoneChangeLog(file: directory.appendingPathComponent("sandbox-phones.log"))
        let changes = try log.replay()
        for change in changes { change.apply(to: &phones[change.phone, default: PhoneState()]) }
        // An empty log is cleared too: it may hold a partial line that later appends would follow.
        if changes.isEmpty { try log.clear() } else { try Self.compact(phones, into: file, clearing: log) }
        self.log = log
        self.phones = phones
    }

    // MARK: Signal state

    /// The session `phone` has with `address`; a stored record that does not decode is an error.
    func session(of phone: String, with address: SignalAddress) throws(SignalError) -> SessionRecord? {
        guard let stored = phones[phone]?.sessions[address.description] else { return nil }
        return try SessionRecord(serialized: Array(stored))
    }

    /// The identity `phone` trusts for `address`, if it met one.
    func identity(of phone: String, for address: SignalAddress) -> [UInt8]? {
        phones[phone]?.identities[address.description].map(Array.init)
    }

    func isConsumed(preKey id: UInt32, of phone: String) -> Bool {
        phones[phone]?.consumedPreKeys.contains(id) ?? false
    }

    /// Saves a session operation's record, peer identity and consumed prekey together.
    func commit(_ commit: SessionCommit, of phone: String) throws(PrivateFile.WriteError) {
        try change(
            PhoneChange(
                phone: phone,
                session: PhoneChange.Session(
                    address: commit.address.description, record: Data(commit.record.serialized()),
                    identity: Data(commit.remoteIdentity.bytes), consumedPreKey: commit.consumedPreKeyID)))
    }

    // MARK: Received messages

    func record(_ message: PhoneMessage, of phone: String) throws(PrivateFile.WriteError) {
        try change(PhoneChange(phone: phone, received: message))
    }

    /// What `phone` received, oldest first.
    func received(by phone: String) -> [PhoneMessage] {
        phones[phone]?.received ?? []
    }

    /// Logs `change` and applies it; when logging fails nothing changes.
    private func change(_ change: PhoneChange) throws(PrivateFile.WriteError) {
        try log.append(change)
        change.apply(to: &phones[change.phone, default: PhoneState()])
        if log.count >= Self.compactionThreshold { try Self.compact(phones, into: file, clearing: log) }
    }

    /// Writes the snapshot and empties the log. A crash in between replays changes the snapshot
    /// already holds; `PhoneChange.apply` is idempotent, so that is harmless.
    private static func compact(
        _ phones: [String: PhoneState], into file: URL, clearing log: PhoneChangeLog
    ) throws(PrivateFile.WriteError) {
        try PrivateFile.writeJSON(phones, to: file)
        try log.clear()
    }
}
