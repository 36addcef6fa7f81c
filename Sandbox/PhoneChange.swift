import Foundation

/// One change to a virtual phone's state, as `PhoneStore` logs it: a session operation's
/// result or a received message.
struct PhoneChange: Codable, Sendable, Equatable {
    /// What a session operation saves: the record, the peer's identity and a consumed prekey.
    struct Session: Codable, Sendable, Equatable {
        var address: String
        var record: Data
        var identity: Data
        var consumedPreKey: UInt32?
    }

    var phone: String
    var session: Session?
    var received: PhoneMessage?

    /// Applies the change. Applying it twice leaves the state as applying it once (a message
    /// already received is not added again), so replaying a log the snapshot already holds is safe.
    func apply(to state: inout PhoneStore.PhoneState) {
        if let session {
            state.sessions[session.address] = session.record
            state.identities[session.address] = session.identity
            if let consumed = session.consumedPreKey { state.consumedPreKeys.insert(consumed) }
        }
        if let received, !state.received.contains(received) {
            state.received.append(received)
            if state.received.count > PhoneStore.messageLimit {
                state.received.removeFirst(state.received.count - PhoneStore.messageLimit)
            }
        }
    }
}
