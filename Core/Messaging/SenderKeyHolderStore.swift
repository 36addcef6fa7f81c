import WABinary

/// Which devices already got our sender key for a group (WhatsApp Web's sender-key memory),
/// so that a group message carries the SenderKeyDistributionMessage only for the others.
public protocol SenderKeyHolderStore: Sendable {
    /// The devices that hold our current sender key for `group`.
    func holders(of group: JID) async throws -> Set<JID>
    /// Records that `devices` got our current sender key for `group`.
    func addHolders(_ devices: [JID], of group: JID) async throws
    /// Forgets every holder of `group`: after a membership change, everyone gets the new key.
    func forgetHolders(of group: JID) async throws
}
