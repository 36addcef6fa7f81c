import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WACrypto
import WAPairing
import WAProto

@Suite struct PrimaryPairingTests {
    /// With the vector's inputs and recorded nonce the phone's pair-success is the vector's, byte for byte.
    @Test(arguments: LinkingSession.kinds) func buildsTheVectorPairSuccess(kind: String) throws {
        let session = try LinkingSession(kind: kind)
        let node = try Self.pairSuccess(session, random: session.accountSignatureNonce)
        #expect(try node.encodedFrame() == session.successFrame)
    }

    @Test(arguments: LinkingSession.kinds) func verifySignAcceptsTheVectorReply(kind: String) throws {
        let session = try LinkingSession(kind: kind)
        let identity = try PrimaryPairing.verifySign(
            Node(frame: session.replyFrame), companionIdentity: session.companionIdentity.publicKey.bytes,
            accountKey: session.account.publicKey.bytes)
        let sent = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: session.replyIdentity)
        #expect(identity.details == sent.details)
        #expect(identity.deviceSignature == sent.deviceSignature)
        #expect([UInt8](identity.accountSignatureKey) == session.account.publicKey.bytes)
    }

    @Test func verifySignRefusesTamperedReplies() throws {
        let session = try LinkingSession(kind: "qr_session")
        let companion = session.companionIdentity.publicKey.bytes
        let accountKey = session.account.publicKey.bytes
        let sent = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: session.replyIdentity)

        var badDeviceSignature = sent
        var signature = [UInt8](sent.deviceSignature)
        signature[10] ^= 0x80
        badDeviceSignature.deviceSignature = Data(signature)
        var badDetails = sent
        var details = [UInt8](sent.details)
        details[details.count - 1] ^= 1
        badDetails.details = Data(details)

        for tampered in [badDeviceSignature, badDetails] {
            #expect(throws: PairingError.signatureMismatch) {
                try PrimaryPairing.verifySign(
                    Self.reply(session, identity: tampered), companionIdentity: companion, accountKey: accountKey)
            }
        }
        #expect(throws: PairingError.signatureMismatch) {
            try PrimaryPairing.verifySign(
                Node(frame: session.replyFrame), companionIdentity: Curve25519KeyPair.generate().publicKey.bytes,
                accountKey: accountKey)
        }
        #expect(throws: PairingError.signatureMismatch) {
            try PrimaryPairing.verifySign(
                Node(frame: session.replyFrame), companionIdentity: companion,
                accountKey: Curve25519KeyPair.generate().publicKey.bytes)
        }
    }

    /// The phone and companion sides link with each other, for E2EE and HOSTED accounts.
    @Test(arguments: [false, true]) func linksWithTheCompanion(hosted: Bool) throws {
        let companion = Curve25519KeyPair.generate()
        let account = Curve25519KeyPair.generate()
        let advSecret = randomBytes(32)
        let deviceJID = JID(user: "15550001111", server: JID.userServer, device: 3)
        let node = try PrimaryPairing.pairSuccess(
            iqID: "ps", deviceJID: deviceJID, lid: nil, platform: "smbi", companionIdentity: companion.publicKey.bytes,
            advSecret: advSecret, account: account, keyIndex: 7, rawID: 42, timestamp: 1_700_000_123, hosted: hosted)
        let success = try #require(try PairSuccess.parse(PairingVectors.wireForm(node)))
        #expect(success.deviceJID == deviceJID)
        #expect(success.lid == nil)
        #expect(success.platform == "smbi")

        let linked = try CompanionPairing.accept(success, advSecret: advSecret, identity: companion)
        #expect(linked.keyIndex == 7)
        #expect(linked.reply.child(tagged: "pair-device-sign")?.child(tagged: "device-identity")?["key-index"] == "7")
        let verified = try PrimaryPairing.verifySign(
            PairingVectors.wireForm(linked.reply), companionIdentity: companion.publicKey.bytes,
            accountKey: account.publicKey.bytes)
        #expect(verified == linked.account)

        let details = try WAAdv_ADVDeviceIdentity(serializedBytes: verified.details)
        #expect(details.rawID == 42)
        #expect(details.timestamp == 1_700_000_123)
        #expect((details.deviceType == .hosted) == hosted)
    }

    static func pairSuccess(_ session: LinkingSession, random: [UInt8]) throws -> Node {
        let device = try #require(session.successNode.child(tagged: "pair-success")?.child(tagged: "device"))
        return try PrimaryPairing.pairSuccess(
            iqID: try #require(session.successNode.attributes["id"]?.description),
            deviceJID: try #require(device["jid"]?.jid), lid: device["lid"]?.jid, platform: "android",
            companionIdentity: session.companionIdentity.publicKey.bytes, advSecret: session.advSecret,
            account: session.account, keyIndex: session.deviceIdentity.keyIndex, rawID: session.deviceIdentity.rawID,
            timestamp: session.deviceIdentity.timestamp, random: random)
    }

    /// The session's reply carrying another device identity.
    static func reply(_ session: LinkingSession, identity: WAAdv_ADVSignedDeviceIdentity) throws -> Node {
        var reply = try Node(frame: session.replyFrame)
        let keyIndex = try #require(
            reply.child(tagged: "pair-device-sign")?.child(tagged: "device-identity")?["key-index"])
        reply.content = .nodes([
            Node(
                tag: "pair-device-sign",
                content: .nodes([
                    Node(
                        tag: "device-identity", attributes: ["key-index": keyIndex],
                        content: .bytes(try identity.serializedBytes()))
                ]))
        ])
        return reply
    }
}
