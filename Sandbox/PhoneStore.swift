import Foundation
import WACrypto
import WASignal

/// What the virtual phones keep besides their keys, in the data folder: their Signal sessions
/// and the identities they trust, the one-time prekeys sessions consumed, their groups' sender
/// keys and who holds their own, and the messages they received. A restarted sandbox's phones keep talking on the same sessions.
///
/// Each change is appended to `sandbox-phones.log` (an `AppendOnlyLog`) rather than rewriting
/// every phone's state per message; the log is folded into the snapshot `sandbox-phones.json`
/// (owner-only, written atomically) on open and whenever it holds `compactionThreshold` changes
/// and is longer than the last snapshot, so that compaction costs a bounded share of the writes
/// however much state the phones keep. Changes are encoded before they take the actor's turn.
actor PhoneStore {
    static let fileName = "sandbox-phones.json"
    /// How many received messages each phone keeps; older ones are dropped.
    static let messageLimit = 1000
    /// How many changes the log holds at least before they are folded into the snapshot.
    static let compactionThreshold = 20_000

    /// One phone's state. Sessions and identities are keyed by the peer's Signal address.
    /// Sender keys are keyed by `senderKeyName(_:)`, holders (device JIDs) by group JID.
    struct PhoneState: Codable, Sendable {
        var sessions: [String: Data] = [:]
        var identities: [String: Data] = [:]
        var consumedPreKeys: Set<UInt32> = []
        var senderKeys: [String: Data] = [:]
        var holders: [String: Set<String>] = [:]
        /// Changed by `receive(_:)` only, which keeps `receivedIDs` with it.
        private(set) var received: [PhoneMessage] = []
        /// How many of `received` have each id: a message is looked for among those with its
        /// id only, not compared with every kept one (a send's cost grew with the phone's history).
        private var receivedIDs: [String: Int] = [:]

        enum CodingKeys: String, CodingKey {
            case sessions, identities, consumedPreKeys, senderKeys, holders, received
        }

        init() {}

        /// Keeps `message` unless it was received already, dropping the oldest beyond
        /// `PhoneStore.messageLimit`.
        mutating func receive(_ message: PhoneMessage) {
            if receivedIDs[message.id] != nil, received.contains(message) { return }
            received.append(message)
            receivedIDs[message.id, default: 0] += 1
            guard received.count > PhoneStore.messageLimit else { return }
            let dropped = received.count - PhoneStore.messageLimit
            for old in received.prefix(dropped) {
                receivedIDs[old.id] = receivedIDs[old.id].flatMap { $0 > 1 ? $0 - 1 : nil }
            }
            received.removeFirst(dropped)
        }
    }

    private let file: URL
    private let log: AppendOnlyLog<PhoneChange>
    /// By phone number.
    private(set) var phones: [String: PhoneState]
    /// The size of the snapshot last written.
    private var snapshotBytes: UInt64 = 0
    /// Decoded session records by phone, then address: a phone reads each session it sends on
    /// several times a message, and decoding the stored record cost more than the rest of a read.
    /// A session change replaces its entry (with the committed record) or drops it.
    private var sessionRecords: [String: [String: SessionRecord]] = [:]

    /// Reads the snapshot in `directory` and replays the changes logged after it; a missing
    /// snapshot means the phones have no state yet.
    init(directory: URL) throws {
        file = directory.appendingPathComponent(Self.fileName)
        var phones = try PrivateFile.readJSON([String: PhoneState].self, from: file) ?? [:]
        let log = try AppendOnlyLog<PhoneChange>(file: directory.appendingPathComponent("sandbox-phones.log"))
        let changes = try log.replay()
        for change in changes { change.apply(to: &phones[change.phone, default: PhoneState()]) }
        let adopted = try Self.adoptGroupKeysFile(in: directory, into: &phones)
        // An empty log is cleared too: it may hold a partial line that later appends would follow.
        if changes.isEmpty, !adopted { try log.clear() } else { try Self.compact(phones, into: file, clearing: log) }
        if adopted { try FileManager.default.removeItem(at: directory.appendingPathComponent(Self.groupKeysFileName)) }
        self.log = log
        self.phones = phones
        snapshotBytes = PrivateFile.size(of: file)
    }

    // MARK: Signal state

    /// The session `phone` has with `address`; a stored record that does not decode is an error.
    func session(of phone: String, with address: SignalAddress) throws(SignalError) -> SessionRecord? {
        let key = address.description
        if let record = sessionRecords[phone]?[key] { return record }
        guard let stored = phones[phone]?.sessions[key] else { return nil }
        let record = try SessionRecord(serialized: Array(stored))
        sessionRecords[phone, default: [:]][key] = record
        return record
    }

    /// The identity `phone` trusts for `address`, if it met one.
    func identity(of phone: String, for address: SignalAddress) -> [UInt8]? {
        phones[phone]?.identities[address.description].map(Array.init)
    }

    func isConsumed(preKey id: UInt32, of phone: String) -> Bool {
        phones[phone]?.consumedPreKeys.contains(id) ?? false
    }

    /// Saves a session operation's record, peer identity and consumed prekey together.
    nonisolated func commit(_ commit: SessionCommit, of phone: String) async throws(PrivateFile.WriteError) {
        let change = PhoneChange(
            phone: phone,
            session: PhoneChange.Session(
                address: commit.address.description, record: Data(commit.record.serialized()),
                identity: Data(commit.remoteIdentity.bytes), consumedPreKey: commit.consumedPreKeyID))
        try await apply(change, line: change.logLine, sessionRecord: commit.record)
    }

    // MARK: Received messages

    nonisolated func record(_ message: PhoneMessage, of phone: String) async throws(PrivateFile.WriteError) {
        try await change(PhoneChange(phone: phone, received: message))
    }

    /// What `phone` received, oldest first.
    func received(by phone: String) -> [PhoneMessage] {
        phones[phone]?.received ?? []
    }

    /// Encodes `change` on the caller's task, then logs and applies it.
    nonisolated func change(_ change: PhoneChange) async throws(PrivateFile.WriteError) {
        try await apply(change, line: change.logLine)
    }

    /// Logs `change` as `line` and applies it; when logging fails nothing changes.
    /// `sessionRecord` is the decoded record of `change.session`, kept for reads.
    private func apply(
        _ change: PhoneChange, line: Data, sessionRecord: SessionRecord? = nil
    ) throws(PrivateFile.WriteError) {
        try log.append(line: line)
        change.apply(to: &phones[change.phone, default: PhoneState()])
        if let session = change.session { sessionRecords[change.phone, default: [:]][session.address] = sessionRecord }
        if log.count >= Self.compactionThreshold, log.bytes > snapshotBytes {
            try Self.compact(phones, into: file, clearing: log)
            snapshotBytes = PrivateFile.size(of: file)
        }
    }

    /// Writes the snapshot and empties the log. A crash in between replays changes the snapshot
    /// already holds; `PhoneChange.apply` is idempotent, so that is harmless.
    private static func compact(
        _ phones: [String: PhoneState], into file: URL, clearing log: AppendOnlyLog<PhoneChange>
    ) throws(PrivateFile.WriteError) {
        try PrivateFile.writeJSON(phones, to: file)
        try log.clear()
    }
}

extension PhoneStore.PhoneState {
    /// Snapshots written before the group keys moved here lack their fields.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sessions = try container.decode([String: Data].self, forKey: .sessions)
        identities = try container.decode([String: Data].self, forKey: .identities)
        consumedPreKeys = try container.decode(Set<UInt32>.self, forKey: .consumedPreKeys)
        senderKeys = try container.decodeIfPresent([String: Data].self, forKey: .senderKeys) ?? [:]
        holders = try container.decodeIfPresent([String: Set<String>].self, forKey: .holders) ?? [:]
        for message in try container.decode([PhoneMessage].self, forKey: .received) { receive(message) }
    }
}
