import WABinary
import WACrypto
import WAProto

/// The pair-success part of a QR or pair-code session of pairing.json.
struct LinkingSession {
    let companionIdentity: Curve25519KeyPair
    let account: Curve25519KeyPair
    let advSecret: [UInt8]
    let deviceIdentity: (rawID: UInt32, timestamp: UInt64, keyIndex: UInt32)
    let successFrame: [UInt8]
    let successNode: Node
    let accountSignatureNonce: [UInt8]
    let replyFrame: [UInt8]
    let replyIdentity: [UInt8]
    let deviceSignatureNonce: [UInt8]

    static let kinds = ["qr_session", "pair_code_session"]

    init(kind: String) throws {
        let session = try PairingVectors.only(kind)
        let success = try session.object("data").object("pair_success")
        let reply = try session.object("data").object("reply")
        let details = try success.object("adv_device_identity")
        companionIdentity = try session.object("companion_device").keyPair("identity_key")
        account = try success.keyPair("phone_account_key")
        advSecret = try success.bytes("adv_secret_hex")
        deviceIdentity = (
            UInt32(try details.int("raw_id")), UInt64(try details.int("timestamp")),
            UInt32(try details.int("key_index"))
        )
        successFrame = try success.bytes("node_hex")
        successNode = try PairingVectors.node(success["node"])
        accountSignatureNonce = try success.bytes("account_signature_nonce_hex")
        replyFrame = try reply.bytes("node_hex")
        replyIdentity = try reply.bytes("device_identity_hex")
        deviceSignatureNonce = try reply.bytes("device_signature_nonce_hex")
    }
}
