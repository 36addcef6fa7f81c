import WACrypto

/// Group messaging with sender keys for one (group, sender device) record: our own when we
/// send, the sender's when we receive. Calls for the same name must not overlap.
public struct GroupCipher: Sendable {
    private let store: any SignalSenderKeyStore
    private let name: SenderKeyName
    private let random: RandomSource

    public init(store: any SignalSenderKeyStore, name: SenderKeyName, random: @escaping RandomSource = randomBytes) {
        self.store = store
        self.name = name
        self.random = random
    }

    /// Our distribution message for this group, creating our sender key on first use. Random
    /// bytes are read in libsignal's order: signing key, key id (little-endian), chain key.
    public func distributionMessage() async throws -> SenderKeyDistributionMessage {
        var record = try await store.senderKey(for: name) ?? SenderKeyRecord()
        if record.isEmpty {
            let signing = try Curve25519KeyPair.generate(using: random)
            let keyID = random(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let seed = random(32)
            record.add(SenderKeyState(
                keyID: keyID, chainKey: SenderChainKey(iteration: 0, seed: seed),
                signingPublicKey: signing.publicKey, signingPrivateKey: signing.privateKey))
            try await store.storeSenderKey(record, for: name)
        }
        guard let state = record.states.first else { throw SignalError.noSenderKey(keyID: nil) }
        return SenderKeyDistributionMessage(
            keyID: state.keyID, iteration: state.chainKey.iteration, chainKey: state.chainKey.seed,
            signingKey: state.signingPublicKey)
    }

    /// Stores a sender's distribution message so their group messages can be decrypted.
    public func process(_ message: SenderKeyDistributionMessage) async throws {
        var record = try await store.senderKey(for: name) ?? SenderKeyRecord()
        record.add(SenderKeyState(
            keyID: message.keyID, chainKey: SenderChainKey(iteration: message.iteration, seed: message.chainKey),
            signingPublicKey: message.signingKey, signingPrivateKey: nil))
        try await store.storeSenderKey(record, for: name)
    }

    /// Encrypts an (already padded) plaintext with our newest sender key.
    public func encrypt(_ plaintext: [UInt8]) async throws -> SenderKeyMessage {
        guard var record = try await store.senderKey(for: name), var state = record.states.first else {
            throw SignalError.noSenderKey(keyID: nil)
        }
        guard let signingKey = try state.preparedSigningKey() else { throw SignalError.noSenderKey(keyID: nil) }
        let (key, nextChain) = state.chainKey.advanced()
        let ciphertext = try signalCrypto { () throws(CryptoError) in try AESCBC.encrypt(plaintext, key: key.cipherKey, iv: key.iv) }
        let message = try SenderKeyMessage(
            keyID: state.keyID, iteration: key.iteration, ciphertext: ciphertext, signingKey: signingKey, random: random)
        state.chainKey = nextChain
        record.states[0] = state
        try await store.storeSenderKey(record, for: name)
        return message
    }

    /// Verifies and decrypts a group message, returning the (still padded) plaintext.
    public func decrypt(_ message: SenderKeyMessage) async throws -> [UInt8] {
        guard var record = try await store.senderKey(for: name), !record.isEmpty else {
            throw SignalError.noSenderKey(keyID: nil)
        }
        guard let index = record.states.firstIndex(where: { $0.keyID == message.keyID }) else {
            throw SignalError.noSenderKey(keyID: message.keyID)
        }
        var state = record.states[index]
        guard message.hasValidSignature(from: state.preparedVerifyingKey()) else { throw SignalError.invalidSignature }
        let key = try state.messageKey(for: message.iteration)
        let plaintext = try signalCrypto { () throws(CryptoError) in
            try AESCBC.decrypt(message.ciphertext, key: key.cipherKey, iv: key.iv)
        }
        record.states[index] = state
        try await store.storeSenderKey(record, for: name)
        return plaintext
    }
}
