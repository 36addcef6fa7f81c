import Foundation
import WABinary
import WAMessaging
import WagoStore

/// Who holds our sender key in each group, kept in the session's sealed key-value space so a
/// restarted gateway does not send every device its key again.
struct StoredSenderKeyHolders: SenderKeyHolderStore {
    /// The key-value space the records live in; no plugin can be named so.
    static let space = "wago.core.sender-key-holders"

    let values: PluginValueStore
    let session: String

    func holders(of group: JID) async throws -> Set<JID> {
        guard let data = try values.value(plugin: Self.space, session: session, key: group.nonAD.description) else {
            return []
        }
        return Set(try JSONDecoder().decode([String].self, from: data).compactMap { try? JID(parsing: $0) })
    }

    func addHolders(_ devices: [JID], of group: JID) async throws {
        guard !devices.isEmpty else { return }
        let all = try await holders(of: group).union(devices).map(\.description).sorted()
        try values.setValue(try JSONEncoder().encode(all), plugin: Self.space, session: session, key: group.nonAD.description)
    }

    func forgetHolders(of group: JID) async throws {
        try values.removeValue(plugin: Self.space, session: session, key: group.nonAD.description)
    }
}
