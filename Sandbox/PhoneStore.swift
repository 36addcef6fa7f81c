import Foundation
import WACrypto
import WASignal

/// What the virtual phones keep besides their keys, in `sandbox-phones.json` in the data folder
/// (owner-only, rewritten atomically on every change): their Signal sessions and the identities
/// they trust, the one-time prekeys sessions consumed, and the messages they received. A
/// restarted sandbox's phones keep talking on the same sessions.
actor PhoneStore {
    static let fileName = "sandbox-phones.json"
    /// How many received messages each phone keeps; older ones are dropped.
    static let messageLimit = 1000

    /// One phone's state. Sessions and identities are keyed by the peer's Signal address.
    struct PhoneState: Codable, Sendable {
        var sessions: [String: Data] = [:]
        var identities: [String: Data] = [:]
        var consumedPreKeys: Set<UInt32> = []
        var received: [PhoneMessage] = []
    }

    private let file: URL
    /// By phone number.
    private var phones: [String: PhoneState]

    /// Reads the file in `directory`; a missing file means the phones have no state yet.
    init(directory: URL) throws {
        file = directory.appendingPathComponent(Self.fileName)
        if FileManager.default.fileExists(atPath: file.path) {
            phones = try JSONDecoder().decode([String: PhoneState].self, from: Data(contentsOf: file))
        } else {
            phones = [:]
        }
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
        try change(phone) { state in
            state.sessions[commit.address.description] = Data(commit.record.serialized())
            state.identities[commit.address.description] = Data(commit.remoteIdentity.bytes)
            if let consumed = commit.consumedPreKeyID { state.consumedPreKeys.insert(consumed) }
        }
    }

    // MARK: Received messages

    func record(_ message: PhoneMessage, of phone: String) throws(PrivateFile.WriteError) {
        try change(phone) { state in
            state.received.append(message)
            if state.received.count > Self.messageLimit {
                state.received.removeFirst(state.received.count - Self.messageLimit)
            }
        }
    }

    /// What `phone` received, oldest first.
    func received(by phone: String) -> [PhoneMessage] {
        phones[phone]?.received ?? []
    }

    /// Applies `mutation` to `phone`'s state and saves; when saving fails the change is undone.
    private func change(_ phone: String, _ mutation: (inout PhoneState) -> Void) throws(PrivateFile.WriteError) {
        let before = phones
        mutation(&phones[phone, default: PhoneState()])
        do throws(PrivateFile.WriteError) {
            try PrivateFile.writeJSON(phones, to: file)
        } catch {
            phones = before
            throw error
        }
    }
}
