import WACrypto

/// The X3DH key agreement as libsignal's `ratchet.CalculateSenderSession` /
/// `CalculateReceiverSession` do it: master = 0xFF*32 || DH1 || DH2 || DH3 [|| DH4],
/// then HKDF(master, "WhisperText", 64) -> root key || first chain key.
enum X3DH {
    /// Alice's side: she has Bob's bundle and her fresh base key.
    static func senderState(
        ourIdentity: Curve25519KeyPair, ourBaseKey: Curve25519KeyPair, ourSendingRatchet: Curve25519KeyPair,
        theirIdentity: Curve25519PublicKey, theirSignedPreKey: Curve25519PublicKey, theirOneTimePreKey: Curve25519PublicKey?
    ) throws(SignalError) -> SessionState {
        var secrets = [UInt8](repeating: 0xFF, count: 32)
        secrets += try dh(ourIdentity, theirSignedPreKey)
        secrets += try dh(ourBaseKey, theirIdentity)
        secrets += try dh(ourBaseKey, theirSignedPreKey)
        if let theirOneTimePreKey { secrets += try dh(ourBaseKey, theirOneTimePreKey) }
        let (rootKey, chainKey) = derive(secrets)
        // Bob's signed prekey is his first ratchet key: its chain is our first receiving chain.
        let sending = try RootKey.createChain(rootKey: rootKey, theirRatchetKey: theirSignedPreKey, ourRatchetKey: ourSendingRatchet)
        return SessionState(
            localIdentity: ourIdentity.publicKey, remoteIdentity: theirIdentity, rootKey: sending.rootKey,
            senderRatchet: ourSendingRatchet, senderChain: sending.chainKey,
            receiverChains: [ReceiverChain(ratchetKey: theirSignedPreKey, chainKey: chainKey)])
    }

    /// Bob's side: he receives Alice's identity and base key in a PreKeySignalMessage.
    static func receiverState(
        ourIdentity: Curve25519KeyPair, ourSignedPreKey: Curve25519KeyPair, ourOneTimePreKey: Curve25519KeyPair?,
        theirIdentity: Curve25519PublicKey, theirBaseKey: Curve25519PublicKey
    ) throws(SignalError) -> SessionState {
        var secrets = [UInt8](repeating: 0xFF, count: 32)
        secrets += try dh(ourSignedPreKey, theirIdentity)
        secrets += try dh(ourIdentity, theirBaseKey)
        secrets += try dh(ourSignedPreKey, theirBaseKey)
        if let ourOneTimePreKey { secrets += try dh(ourOneTimePreKey, theirBaseKey) }
        let (rootKey, chainKey) = derive(secrets)
        return SessionState(
            localIdentity: ourIdentity.publicKey, remoteIdentity: theirIdentity, rootKey: rootKey,
            senderRatchet: ourSignedPreKey, senderChain: chainKey, receiverChains: [])
    }

    private static func dh(_ ours: Curve25519KeyPair, _ theirs: Curve25519PublicKey) throws(SignalError) -> [UInt8] {
        try signalCrypto { () throws(CryptoError) in try ours.sharedSecret(with: theirs) }
    }

    private static func derive(_ master: [UInt8]) -> (rootKey: [UInt8], chainKey: ChainKey) {
        let derived = HKDFSHA256.derive(master, info: "WhisperText", count: 64)
        return (Array(derived[0..<32]), ChainKey(key: Array(derived[32..<64]), index: 0))
    }
}
