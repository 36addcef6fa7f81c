import Foundation
import WABinary
import WASignal

/// The virtual phones' group state, in `sandbox-sender-keys.json` in the data folder
/// (owner-only, rewritten atomically on every change): the sender keys they hold (their own
/// and their peers'), and which devices got each phone's own key per group.
actor GroupPhoneKeys {
    static let fileName = "sandbox-sender-keys.json"

    struct PhoneState: Codable, Sendable {
        /// Serialized sender key records, by "<group>\u{0}<sender address>".
        var senderKeys: [String: Data] = [:]
        /// Devices holding the phone's own key, by group JID.
        var holders: [String: Set<String>] = [:]
    }

    private let file: URL
    /// By phone number.
    private var phones: [String: PhoneState]

    /// Reads the file in `directory`; a missing file means no state yet.
    init(directory: URL) throws {
        file = directory.appendingPathComponent(Self.fileName)
        phones = try PrivateFile.readJSON([String: PhoneState].self, from: file) ?? [:]
    }

    /// `phone`'s record for `name`; one that does not decode is an error.
    func senderKey(of phone: String, for name: SenderKeyName) throws(SignalError) -> SenderKeyRecord? {
        guard let stored = phones[phone]?.senderKeys[Self.key(name)] else { return nil }
        return try SenderKeyRecord(serialized: Array(stored))
    }

    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName, of phone: String) throws(PrivateFile.WriteError) {
        try change(phone) { $0.senderKeys[Self.key(name)] = Data(record.serialized()) }
    }

    func holders(of group: JID, phone: String) -> Set<JID> {
        Set((phones[phone]?.holders[group.description] ?? []).compactMap { try? JID(parsing: $0) })
    }

    func addHolders(_ devices: [JID], of group: JID, phone: String) throws(PrivateFile.WriteError) {
        try change(phone) { $0.holders[group.description, default: []].formUnion(devices.map(\.description)) }
    }

    func forgetHolders(of group: JID, phone: String) throws(PrivateFile.WriteError) {
        try change(phone) { $0.holders[group.description] = nil }
    }

    private static func key(_ name: SenderKeyName) -> String { "\(name.groupID)\u{0}\(name.sender)" }

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
