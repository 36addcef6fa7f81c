import WACrypto

// Storage encoding of session, sender-key and prekey records: protobuf with our own field numbers.
// Decoding validates every length, so a corrupt blob is an error, never a crash.

extension SessionRecord {
    /// The record's storage bytes.
    public func serialized() -> [UInt8] {
        var proto = ProtoWriter(capacity: 512 * (1 + previous.count))
        if let current { proto.message(1) { current.write(to: &$0) } }
        for state in previous { proto.message(2) { state.write(to: &$0) } }
        return proto.bytes
    }

    /// Restores a record from `serialized()` output.
    public init(serialized: [UInt8]) throws(SignalError) {
        let fields = try ProtoFields(serialized)
        current = try fields.bytes(1).map { bytes throws(SignalError) in try SessionState(serialized: bytes) }
        previous = []
        for bytes in fields.repeatedBytes(2).prefix(Self.maxArchivedStates) { previous.append(try SessionState(serialized: bytes)) }
    }
}

extension SessionState {
    /// Writes the state's fields (a record's nested message).
    func write(to proto: inout ProtoWriter) {
        proto.bytes(1, localIdentity.serialized)
        proto.bytes(2, remoteIdentity.serialized)
        proto.bytes(3, rootKey)
        proto.uint(4, previousCounter)
        proto.bytes(5, senderRatchet.privateKey)
        proto.bytes(6, senderRatchet.publicKey.serialized)
        proto.bytes(7, senderChain.key)
        proto.uint(8, senderChain.index)
        for chain in receiverChains { proto.message(9) { chain.write(to: &$0) } }
        if let pendingPreKey {
            proto.message(10) { pending in
                if let id = pendingPreKey.preKeyID { pending.uint(1, id) }
                pending.uint(2, pendingPreKey.signedPreKeyID)
                pending.bytes(3, pendingPreKey.baseKey.serialized)
            }
        }
        proto.uint(11, localRegistrationID)
        proto.uint(12, remoteRegistrationID)
        if let aliceBaseKey { proto.bytes(13, aliceBaseKey.serialized) }
    }

    init(serialized: [UInt8]) throws(SignalError) {
        let fields = try ProtoFields(serialized)
        localIdentity = try fields.requiredKey(1, "local identity")
        remoteIdentity = try fields.requiredKey(2, "remote identity")
        rootKey = try fields.requiredBytes(3, "root key", count: 32)
        previousCounter = fields.uint32(4) ?? 0
        senderRatchet = try fields.requiredKeyPair(5, 6, "ratchet")
        senderChain = ChainKey(key: try fields.requiredBytes(7, "sender chain key", count: 32), index: fields.uint32(8) ?? 0)
        receiverChains = []
        for bytes in fields.repeatedBytes(9).suffix(Self.maxReceiverChains) { receiverChains.append(try ReceiverChain(serialized: bytes)) }
        if let pendingBytes = fields.bytes(10) {
            let pending = try ProtoFields(pendingBytes)
            pendingPreKey = PendingPreKey(
                preKeyID: pending.uint32(1), signedPreKeyID: pending.uint32(2) ?? 0,
                baseKey: try pending.requiredKey(3, "pending base key"))
        }
        localRegistrationID = fields.uint32(11) ?? 0
        remoteRegistrationID = fields.uint32(12) ?? 0
        if fields.bytes(13) != nil { aliceBaseKey = try fields.requiredKey(13, "base key") }
    }
}

extension ReceiverChain {
    /// Writes the chain's fields (a session state's nested message).
    func write(to proto: inout ProtoWriter) {
        proto.bytes(1, ratchetKey.serialized)
        proto.bytes(2, chainKey.key)
        proto.uint(3, chainKey.index)
        for keys in skippedKeys {
            proto.message(4) { entry in
                entry.uint(1, keys.index)
                entry.bytes(2, keys.cipherKey)
                entry.bytes(3, keys.macKey)
                entry.bytes(4, keys.iv)
            }
        }
    }

    init(serialized: [UInt8]) throws(SignalError) {
        let fields = try ProtoFields(serialized)
        ratchetKey = try fields.requiredKey(1, "receiver ratchet key")
        chainKey = ChainKey(key: try fields.requiredBytes(2, "receiver chain key", count: 32), index: fields.uint32(3) ?? 0)
        for bytes in fields.repeatedBytes(4).suffix(SessionState.maxSkippedKeysPerChain) {
            let entry = try ProtoFields(bytes)
            skippedKeys.append(MessageKeys(
                cipherKey: try entry.requiredBytes(2, "cipher key", count: 32),
                macKey: try entry.requiredBytes(3, "mac key", count: 32),
                iv: try entry.requiredBytes(4, "iv", count: 16), index: entry.uint32(1) ?? 0))
        }
    }
}

extension SenderKeyRecord {
    /// The record's storage bytes.
    public func serialized() -> [UInt8] {
        var proto = ProtoWriter(capacity: 256 * max(1, states.count))
        for state in states {
            proto.message(1) { entry in
                entry.uint(1, state.keyID)
                entry.uint(2, state.chainKey.iteration)
                entry.bytes(3, state.chainKey.seed)
                entry.bytes(4, state.signingPublicKey.serialized)
                if let signingPrivateKey = state.signingPrivateKey { entry.bytes(5, signingPrivateKey) }
                for key in state.skippedKeys {
                    entry.message(6) { skipped in
                        skipped.uint(1, key.iteration)
                        skipped.bytes(2, key.iv)
                        skipped.bytes(3, key.cipherKey)
                    }
                }
            }
        }
        return proto.bytes
    }

    /// Restores a record from `serialized()` output.
    public init(serialized: [UInt8]) throws(SignalError) {
        for bytes in try ProtoFields(serialized).repeatedBytes(1).prefix(Self.maxStates) {
            let fields = try ProtoFields(bytes)
            var state = SenderKeyState(
                keyID: try fields.requiredUInt32(1, "key id"),
                chainKey: SenderChainKey(iteration: fields.uint32(2) ?? 0, seed: try fields.requiredBytes(3, "chain key", count: 32)),
                signingPublicKey: try fields.requiredKey(4, "signing key"),
                signingPrivateKey: fields.bytes(5) == nil ? nil : try fields.requiredBytes(5, "signing private key", count: 32))
            for skippedBytes in fields.repeatedBytes(6).suffix(SenderKeyState.maxSkippedKeys) {
                let skipped = try ProtoFields(skippedBytes)
                state.skippedKeys.append(SenderMessageKey(
                    iteration: skipped.uint32(1) ?? 0, iv: try skipped.requiredBytes(2, "iv", count: 16),
                    cipherKey: try skipped.requiredBytes(3, "cipher key", count: 32)))
            }
            states.append(state)
        }
    }
}

extension PreKeyRecord {
    /// The record's storage bytes.
    public func serialized() -> [UInt8] {
        var proto = ProtoWriter()
        proto.uint(1, id)
        proto.bytes(2, keyPair.privateKey)
        proto.bytes(3, keyPair.publicKey.serialized)
        return proto.bytes
    }

    /// Restores a record from `serialized()` output.
    public init(serialized: [UInt8]) throws(SignalError) {
        let fields = try ProtoFields(serialized)
        try self.init(id: fields.requiredUInt32(1, "prekey id"), keyPair: fields.requiredKeyPair(2, 3, "prekey"))
    }
}

extension SignedPreKeyRecord {
    /// The record's storage bytes.
    public func serialized() -> [UInt8] {
        var proto = ProtoWriter()
        proto.uint(1, id)
        proto.bytes(2, keyPair.privateKey)
        proto.bytes(3, keyPair.publicKey.serialized)
        proto.bytes(4, signature)
        return proto.bytes
    }

    /// Restores a record from `serialized()` output.
    public init(serialized: [UInt8]) throws(SignalError) {
        let fields = try ProtoFields(serialized)
        try self.init(
            id: fields.requiredUInt32(1, "signed prekey id"), keyPair: fields.requiredKeyPair(2, 3, "signed prekey"),
            signature: fields.requiredBytes(4, "signed prekey signature", count: 64))
    }
}

extension ProtoFields {
    /// A key pair stored as its private scalar and its `0x05 || public` key, restored without
    /// recomputing the public half.
    fileprivate func requiredKeyPair(_ privateField: Int, _ publicField: Int, _ name: String) throws(SignalError) -> Curve25519KeyPair {
        let privateKey = try requiredBytes(privateField, "\(name) private key", count: 32)
        let publicKey = try requiredKey(publicField, "\(name) public key")
        return try signalCrypto { () throws(CryptoError) in try Curve25519KeyPair(privateKey: privateKey, publicKey: publicKey) }
    }
}
