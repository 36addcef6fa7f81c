import Foundation
import Logging
import WABinary
import WACrypto
import WAMessaging
import WASignal
import WATransport
import WagoStore

/// One-time prekeys kept stocked on the server, and the signed prekey kept fresh, so peers
/// can always start sessions with this device.
extension WhatsAppClient {
    /// After login: top up one-time prekeys and rotate an old signed prekey.
    func maintainPreKeys() async throws {
        let answer = try await socket.sendIQ(Self.encryptIQ(type: "get", [Node(tag: "count")]))
        try ClientError.check(answer)
        let onServer = answer.child(tagged: "count")?["value"].flatMap { Int($0.description) } ?? 0
        if onServer < configuration.preKeys.minimumOnServer {
            try await uploadPreKeys()
        }
        let age = Date().timeIntervalSince(device.signedPreKeyCreatedAt)
        if age >= Double(configuration.preKeys.signedPreKeyLifetime.components.seconds) {
            try await rotateSignedPreKey()
        }
    }

    /// Generates `uploadCount` prekeys, stores them (before the server can hand them out), and
    /// uploads them with our identity and signed prekey.
    func uploadPreKeys() async throws {
        let preKeys = try await storeNewPreKeys(count: configuration.preKeys.uploadCount)
        let signedPreKey = try await currentSignedPreKey()
        let registrationID = try await signal.localRegistrationID()
        let keys = preKeys.map { PreKeyNodes.key(id: $0.id, publicKey: $0.keyPair.publicKey.bytes) }
        let upload = Self.encryptIQ(
            type: "set",
            [
                Node(tag: "registration", content: .bytes(Self.bigEndian(registrationID))),
                Node(tag: "type", content: .bytes([Curve25519PublicKey.djbType])),
                Node(tag: "identity", content: .bytes(identity.publicKey.bytes)),
                Node(tag: "list", content: .nodes(keys)),
                Self.node(for: signedPreKey),
            ])
        try ClientError.check(try await socket.sendIQ(upload))
        logger.info("uploaded prekeys", metadata: ["count": "\(preKeys.count)"])
    }

    /// Our keys with one new one-time prekey, for a retry receipt that asks the sender to start
    /// a new session with us (whatsmeow hands out a fresh prekey there, not one on the server).
    func bundleForRetry() async throws -> PreKeyBundle {
        guard let preKey = try await storeNewPreKeys(count: 1).first else { throw ClientError.loggedOut }
        let signedPreKey = try await currentSignedPreKey()
        return PreKeyBundle(
            registrationID: try await signal.localRegistrationID(),
            deviceID: UInt32(ownJID?.device ?? 0),
            preKey: (preKey.id, preKey.keyPair.publicKey), signedPreKeyID: signedPreKey.id,
            signedPreKey: signedPreKey.keyPair.publicKey, signedPreKeySignature: signedPreKey.signature,
            identityKey: identity.publicKey)
    }

    /// Generates `count` one-time prekeys and stores them (before anyone can be handed one).
    private func storeNewPreKeys(count: Int) async throws -> [PreKeyRecord] {
        let preKeys = PreKeyRecord.generate(firstID: device.nextPreKeyID, count: count)
        try await signal.storePreKeys(preKeys)
        device.nextPreKeyID = (preKeys.last?.id ?? device.nextPreKeyID) % PreKeyRecord.maxID + 1
        try await devices.save(device, session: session)
        return preKeys
    }

    private func currentSignedPreKey() async throws -> SignedPreKeyRecord {
        guard let signedPreKey = try await signal.signedPreKey(id: device.signedPreKeyID) else { throw ClientError.loggedOut }
        return signedPreKey
    }

    /// Replaces the signed prekey; the old one stays stored for messages already addressed to it.
    private func rotateSignedPreKey() async throws {
        let next = try SignedPreKeyRecord.generate(id: device.signedPreKeyID % PreKeyRecord.maxID + 1, identity: identity)
        try await signal.storeSignedPreKey(next)
        let rotate = Self.encryptIQ(type: "set", [Node(tag: "rotate", content: .nodes([Self.node(for: next)]))])
        try ClientError.check(try await socket.sendIQ(rotate))
        try await signal.removeSignedPreKeys(keeping: [device.signedPreKeyID, next.id])
        device.signedPreKeyID = next.id
        device.signedPreKeyCreatedAt = Date()
        try await devices.save(device, session: session)
        logger.info("rotated the signed prekey", metadata: ["id": "\(next.id)"])
    }

    private static func node(for signedPreKey: SignedPreKeyRecord) -> Node {
        PreKeyNodes.signedKey(
            id: signedPreKey.id, publicKey: signedPreKey.keyPair.publicKey.bytes, signature: signedPreKey.signature)
    }

    private static func encryptIQ(type: String, _ children: [Node]) -> Node {
        Node(
            tag: "iq", attributes: ["to": .jid(server), "type": .string(type), "xmlns": "encrypt"],
            content: .nodes(children))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}
