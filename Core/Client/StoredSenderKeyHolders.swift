import WABinary
import WAMessaging
import WagoStore

/// Who holds our sender key in each group, in the device's Signal store, so a restarted gateway
/// does not send every device its key again.
struct StoredSenderKeyHolders: SenderKeyHolderStore {
    let signal: SignalStore

    func holders(of group: JID) async throws -> Set<JID> {
        Set(try await signal.senderKeyHolders(of: group.nonAD.description).compactMap { try? JID(parsing: $0) })
    }

    func addHolders(_ devices: [JID], of group: JID) async throws {
        try await signal.addSenderKeyHolders(Set(devices.map(\.description)), of: group.nonAD.description)
    }

    func forgetHolders(of group: JID) async throws {
        try await signal.removeSenderKeyHolders(of: group.nonAD.description)
    }
}
