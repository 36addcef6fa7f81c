import WACrypto

/// Encrypts and decrypts 1:1 messages with one peer device. Each call loads the record,
/// computes the new one and hands record, identity and consumed prekey to the store in one
/// `commit`. Calls for the same address must not overlap (serialise them, as whatsmeow does).
public struct SessionCipher: Sendable {
    private let store: any SignalProtocolStore
    private let address: SignalAddress
    private let random: RandomSource

    /// - Parameter random: the randomness for new keys; tests pass recorded bytes.
    public init(store: any SignalProtocolStore, address: SignalAddress, random: @escaping RandomSource = randomBytes) {
        self.store = store
        self.address = address
        self.random = random
    }

    /// Starts a new session from the peer's prekey bundle (archiving any existing one).
    public func processBundle(_ bundle: PreKeyBundle) async throws {
        guard try await store.isTrustedIdentity(bundle.identityKey, for: address) else { throw SignalError.untrustedIdentity }
        var record = try await store.session(for: address) ?? SessionRecord()
        let ourIdentity = try await store.localIdentity()
        let ourRegistrationID = try await store.localRegistrationID()
        try SessionBuilder.process(
            bundle, into: &record, ourIdentity: ourIdentity, ourRegistrationID: ourRegistrationID, random: random)
        try await store.commit(SessionCommit(address: address, record: record, remoteIdentity: bundle.identityKey, consumedPreKeyID: nil))
    }

    /// Encrypts an (already padded) plaintext; a "pkmsg" until the peer has answered, then "msg".
    public func encrypt(_ plaintext: [UInt8]) async throws -> CiphertextMessage {
        guard var record = try await store.session(for: address), let identity = record.remoteIdentity else {
            throw SignalError.noSession
        }
        guard try await store.isTrustedIdentity(identity, for: address) else { throw SignalError.untrustedIdentity }
        let message = try record.encrypt(plaintext)
        try await store.commit(SessionCommit(address: address, record: record, remoteIdentity: identity, consumedPreKeyID: nil))
        return message
    }

    /// Decrypts a "pkmsg" or "msg", returning the (still padded) plaintext.
    public func decrypt(_ message: CiphertextMessage) async throws -> [UInt8] {
        var record = try await store.session(for: address) ?? SessionRecord()
        let consumedPreKeyID: UInt32?
        let signalMessage: SignalMessage
        switch message {
        case .preKey(let preKeyMessage):
            guard try await store.isTrustedIdentity(preKeyMessage.identityKey, for: address) else {
                throw SignalError.untrustedIdentity
            }
            // Every pkmsg of a session we answered none of carries the same base key: its state
            // exists, so the keys that would start it are not looked up (libsignal checks first
            // too; deriving the key pairs is a scalar multiplication each).
            if record.hasState(baseKey: preKeyMessage.baseKey) {
                consumedPreKeyID = nil
            } else {
                var preKey: PreKeyRecord?
                if let id = preKeyMessage.preKeyID { preKey = try await store.preKey(id: id) }
                let ourIdentity = try await store.localIdentity()
                let ourRegistrationID = try await store.localRegistrationID()
                let signedPreKey = try await store.signedPreKey(id: preKeyMessage.signedPreKeyID)
                consumedPreKeyID = try SessionBuilder.process(
                    preKeyMessage, into: &record, ourIdentity: ourIdentity, ourRegistrationID: ourRegistrationID,
                    preKey: preKey, signedPreKey: signedPreKey)
            }
            signalMessage = preKeyMessage.message
        case .whisper(let whisper):
            guard record.hasSession else { throw SignalError.noSession }
            consumedPreKeyID = nil
            signalMessage = whisper
        }
        let plaintext = try record.decrypt(signalMessage, random: random)
        guard let identity = record.remoteIdentity else { throw SignalError.noSession }
        guard try await store.isTrustedIdentity(identity, for: address) else { throw SignalError.untrustedIdentity }
        try await store.commit(SessionCommit(address: address, record: record, remoteIdentity: identity, consumedPreKeyID: consumedPreKeyID))
        return plaintext
    }
}
