import Foundation
import WABinary
import WASignal

/// The phones' group state: the sender keys they hold (their own and their peers') and which
/// devices got each phone's own key, per group. Logged as `PhoneChange.GroupKeys`.
extension PhoneStore {
    /// The file earlier versions kept this state in, adopted once by `init`.
    static let groupKeysFileName = "sandbox-sender-keys.json"

    static func senderKeyName(_ name: SenderKeyName) -> String { "\(name.groupID)\u{0}\(name.sender)" }

    /// `phone`'s record for `name`; one that does not decode is an error.
    func senderKey(of phone: String, for name: SenderKeyName) throws(SignalError) -> SenderKeyRecord? {
        guard let stored = phones[phone]?.senderKeys[Self.senderKeyName(name)] else { return nil }
        return try SenderKeyRecord(serialized: Array(stored))
    }

    nonisolated func storeSenderKey(
        _ record: SenderKeyRecord, for name: SenderKeyName, of phone: String
    ) async throws(PrivateFile.WriteError) {
        try await change(
            PhoneChange(
                phone: phone,
                groupKeys: .init(group: name.groupID, senderKey: Self.senderKeyName(name), record: Data(record.serialized()))))
    }

    func holders(of group: JID, phone: String) -> Set<JID> {
        Set((phones[phone]?.holders[group.description] ?? []).compactMap { try? JID(parsing: $0) })
    }

    nonisolated func addHolders(_ devices: [JID], of group: JID, phone: String) async throws(PrivateFile.WriteError) {
        try await change(
            PhoneChange(phone: phone, groupKeys: .init(group: group.description, addedHolders: devices.map(\.description))))
    }

    nonisolated func forgetHolders(of group: JID, phone: String) async throws(PrivateFile.WriteError) {
        try await change(PhoneChange(phone: phone, groupKeys: .init(group: group.description, forgetsHolders: true)))
    }

    /// Drops `phone`'s own key `name` for `group` and who held it: its next message there
    /// goes out under a new key, to every member device (after a member left).
    nonisolated func startOver(_ name: SenderKeyName, of group: JID, phone: String) async throws(PrivateFile.WriteError) {
        try await change(
            PhoneChange(
                phone: phone,
                groupKeys: .init(group: group.description, senderKey: Self.senderKeyName(name), forgetsHolders: true)))
    }

    /// Merges the group keys file of earlier versions into `phones`; true when there was one.
    static func adoptGroupKeysFile(in directory: URL, into phones: inout [String: PhoneState]) throws -> Bool {
        struct Earlier: Decodable {
            var senderKeys: [String: Data]
            var holders: [String: Set<String>]
        }
        let file = directory.appendingPathComponent(groupKeysFileName)
        guard let earlier = try PrivateFile.readJSON([String: Earlier].self, from: file) else { return false }
        for (phone, state) in earlier {
            phones[phone, default: PhoneState()].senderKeys.merge(state.senderKeys) { current, _ in current }
            phones[phone, default: PhoneState()].holders.merge(state.holders) { current, _ in current }
        }
        return true
    }
}
