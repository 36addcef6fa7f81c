import WACrypto

/// Creates sessions: from a fetched prekey bundle (we speak first) or from a received
/// PreKeySignalMessage (they spoke first), as libsignal's `session.Builder` does.
enum SessionBuilder {
    /// Starts a session from `bundle`, archiving any current one. Random bytes are read in
    /// libsignal's order: base key, then sending ratchet key.
    static func process(
        _ bundle: PreKeyBundle, into record: inout SessionRecord, ourIdentity: Curve25519KeyPair,
        ourRegistrationID: UInt32, random: RandomSource
    ) throws(SignalError) {
        guard XEdDSA.verify(
            publicKey: bundle.identityKey.bytes, message: bundle.signedPreKey.serialized,
            signature: bundle.signedPreKeySignature)
        else { throw .invalidSignature }
        let baseKey = try Curve25519KeyPair.generate(using: random)
        let sendingRatchet = try Curve25519KeyPair.generate(using: random)
        var state = try X3DH.senderState(
            ourIdentity: ourIdentity, ourBaseKey: baseKey, ourSendingRatchet: sendingRatchet,
            theirIdentity: bundle.identityKey, theirSignedPreKey: bundle.signedPreKey,
            theirOneTimePreKey: bundle.preKey?.publicKey)
        state.pendingPreKey = PendingPreKey(
            preKeyID: bundle.preKey?.id, signedPreKeyID: bundle.signedPreKeyID, baseKey: baseKey.publicKey)
        state.localRegistrationID = ourRegistrationID
        state.remoteRegistrationID = bundle.registrationID
        state.aliceBaseKey = baseKey.publicKey
        record.promote(state)
    }

    /// Starts the receiving session a PreKeySignalMessage asks for. The caller checks first
    /// that no state for its base key exists (a later or repeated pkmsg of the same session).
    /// - Returns: the one-time prekey id this consumed, if any.
    static func process(
        _ message: PreKeySignalMessage, into record: inout SessionRecord, ourIdentity: Curve25519KeyPair,
        ourRegistrationID: UInt32, preKey: PreKeyRecord?, signedPreKey: SignedPreKeyRecord?
    ) throws(SignalError) -> UInt32? {
        guard let signedPreKey else { throw .unknownSignedPreKey(message.signedPreKeyID) }
        if let id = message.preKeyID, preKey == nil { throw .unknownPreKey(id) }
        var state = try X3DH.receiverState(
            ourIdentity: ourIdentity, ourSignedPreKey: signedPreKey.keyPair, ourOneTimePreKey: preKey?.keyPair,
            theirIdentity: message.identityKey, theirBaseKey: message.baseKey)
        state.localRegistrationID = ourRegistrationID
        state.remoteRegistrationID = message.registrationID
        state.aliceBaseKey = message.baseKey
        record.promote(state)
        return message.preKeyID
    }
}
