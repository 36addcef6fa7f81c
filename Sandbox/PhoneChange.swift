import Foundation

/// One change to a virtual phone's state, as `PhoneStore` logs it: a session operation's
/// result, a group's sender-key change, or a received message.
struct PhoneChange: Codable, Sendable, Equatable {
    /// What a session operation saves: the record, the peer's identity and a consumed prekey.
    struct Session: Codable, Sendable, Equatable {
        var address: String
        var record: Data
        var identity: Data
        var consumedPreKey: UInt32?
    }

    /// What a group operation saves: a sender key stored (or dropped, with a nil record) and
    /// the devices that got the phone's own key added (or all forgotten first).
    struct GroupKeys: Codable, Sendable, Equatable {
        var group: String
        /// `PhoneStore.senderKeyName(_:)` of the record.
        var senderKey: String?
        var record: Data?
        var forgetsHolders = false
        var addedHolders: [String] = []
    }

    var phone: String
    var session: Session?
    var groupKeys: GroupKeys?
    var received: PhoneMessage?

    /// Applies the change. Applying it twice leaves the state as applying it once (a message
    /// already received is not added again), so replaying a log the snapshot already holds is safe.
    func apply(to state: inout PhoneStore.PhoneState) {
        if let session {
            state.sessions[session.address] = session.record
            state.identities[session.address] = session.identity
            if let consumed = session.consumedPreKey { state.consumedPreKeys.insert(consumed) }
        }
        if let groupKeys {
            if let key = groupKeys.senderKey { state.senderKeys[key] = groupKeys.record }
            if groupKeys.forgetsHolders { state.holders[groupKeys.group] = nil }
            if !groupKeys.addedHolders.isEmpty { state.holders[groupKeys.group, default: []].formUnion(groupKeys.addedHolders) }
        }
        if let received { state.receive(received) }
    }
}
