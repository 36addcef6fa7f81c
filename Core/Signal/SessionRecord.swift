import WACrypto

/// Everything we keep about one peer device: the current session and up to 40 archived ones
/// (as libsignal's `record.Session`), so that a peer who re-keys (e.g. after reinstalling) and a
/// late message from the old ratchet both still decrypt.
public struct SessionRecord: Sendable {
    static let maxArchivedStates = 40

    var current: SessionState?
    /// Newest first.
    var previous: [SessionState] = []

    /// An empty record (no session yet).
    public init() {}

    /// Whether there is a current session to encrypt with.
    public var hasSession: Bool { current != nil }

    /// The peer's identity key in the current session.
    public var remoteIdentity: Curve25519PublicKey? { current?.remoteIdentity }

    /// The peer's registration id in the current session.
    public var remoteRegistrationID: UInt32? { current?.remoteRegistrationID }

    /// Makes `state` current, archiving the old current state.
    mutating func promote(_ state: SessionState) {
        if let current { previous.insert(current, at: 0) }
        current = state
        if previous.count > Self.maxArchivedStates { previous.removeLast(previous.count - Self.maxArchivedStates) }
    }

    /// Whether some state (current or archived) was created by this X3DH base key.
    func hasState(baseKey: Curve25519PublicKey) -> Bool {
        current?.aliceBaseKey == baseKey || previous.contains { $0.aliceBaseKey == baseKey }
    }

    /// Encrypts with the current session.
    mutating func encrypt(_ plaintext: [UInt8]) throws(SignalError) -> CiphertextMessage {
        guard var state = current else { throw .noSession }
        let message = try state.encrypt(plaintext)
        current = state
        return message
    }

    /// Decrypts with the current state, else with an archived one, which then becomes current.
    /// When all fail, the current state's error is reported (e.g. `duplicateMessage`).
    mutating func decrypt(_ message: SignalMessage, random: RandomSource) throws(SignalError) -> [UInt8] {
        guard var state = current else { throw .noSession }
        let currentError: SignalError
        do {
            let plaintext = try state.decrypt(message, random: random)
            current = state
            return plaintext
        } catch {
            currentError = error
        }
        for index in previous.indices {
            var archived = previous[index]
            guard let plaintext = try? archived.decrypt(message, random: random) else { continue }
            previous.remove(at: index)
            promote(archived)
            return plaintext
        }
        throw currentError
    }
}
