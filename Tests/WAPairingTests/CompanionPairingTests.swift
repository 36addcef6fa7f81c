import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WACrypto
import WAPairing
import WAProto

@Suite struct CompanionPairingTests {
    @Test(arguments: LinkingSession.kinds) func parsesPairSuccess(kind: String) throws {
        let session = try LinkingSession(kind: kind)
        let node = try Node(frame: session.successFrame)
        #expect(try PairingVectors.wireForm(session.successNode) == node)
        let success = try #require(try PairSuccess.parse(node))
        #expect(success.iqID == session.successNode.attributes["id"]?.description)
        #expect(
            success.deviceJID == session.successNode.child(tagged: "pair-success")?.child(tagged: "device")?["jid"]?.jid
        )
        #expect(success.lid == session.successNode.child(tagged: "pair-success")?.child(tagged: "device")?["lid"]?.jid)
        #expect(success.lid?.server == JID.lidServer)
        #expect(success.platform == "android")
        #expect(success.businessName == "")
    }

    /// With the recorded nonce the reply is whatsmeow's, byte for byte.
    @Test(arguments: LinkingSession.kinds) func acceptReproducesTheReply(kind: String) throws {
        let session = try LinkingSession(kind: kind)
        let success = try #require(try PairSuccess.parse(Node(frame: session.successFrame)))
        let linked = try CompanionPairing.accept(
            success, advSecret: session.advSecret, identity: session.companionIdentity,
            random: session.deviceSignatureNonce)
        #expect(try linked.reply.encodedFrame() == session.replyFrame)
        #expect(linked.keyIndex == session.deviceIdentity.keyIndex)
        #expect([UInt8](linked.account.accountSignatureKey) == session.account.publicKey.bytes)
        var sent = linked.account
        sent.clearAccountSignatureKey()
        #expect(try sent.serializedBytes() as [UInt8] == session.replyIdentity)
    }

    /// With a fresh nonce the signature differs but verifies, and the rest is the same.
    @Test(arguments: LinkingSession.kinds) func acceptSignsWithFreshRandomness(kind: String) throws {
        let session = try LinkingSession(kind: kind)
        let success = try #require(try PairSuccess.parse(Node(frame: session.successFrame)))
        let linked = try CompanionPairing.accept(
            success, advSecret: session.advSecret, identity: session.companionIdentity)
        let expected = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: session.replyIdentity)
        #expect(linked.account.details == expected.details)
        #expect(linked.account.accountSignature == expected.accountSignature)
        #expect(linked.account.deviceSignature != expected.deviceSignature)
        let message =
            [6, 1] + [UInt8](expected.details) + session.companionIdentity.publicKey.bytes
            + session.account.publicKey.bytes
        #expect(
            XEdDSA.verify(
                publicKey: session.companionIdentity.publicKey.bytes, message: message,
                signature: [UInt8](linked.account.deviceSignature)))
        let reply = try PairingVectors.wireForm(linked.reply)
        let expectedReply = try Node(frame: session.replyFrame)
        #expect(reply.attributes == expectedReply.attributes)
        #expect(
            reply.child(tagged: "pair-device-sign")?.child(tagged: "device-identity")?.attributes
                == expectedReply.child(tagged: "pair-device-sign")?.child(tagged: "device-identity")?.attributes)
    }

    @Test func tamperedDetailsAreAnHMACMismatch() throws {
        let session = try LinkingSession(kind: "qr_session")
        var container = try Self.container(session)
        var details = [UInt8](container.details)
        details[details.count / 2] ^= 1
        container.details = Data(details)
        #expect(throws: PairingError.hmacMismatch) {
            try CompanionPairing.accept(
                Self.success(session, container), advSecret: session.advSecret, identity: session.companionIdentity)
        }
        #expect(throws: PairingError.hmacMismatch) {
            try CompanionPairing.accept(
                Self.success(session, try Self.container(session)), advSecret: Array(repeating: 0, count: 32),
                identity: session.companionIdentity)
        }
    }

    /// A container marked HOSTED keys its HMAC with the 06 05 prefix, which this one lacks.
    @Test func hostedMarkChangesTheHMAC() throws {
        let session = try LinkingSession(kind: "qr_session")
        var container = try Self.container(session)
        container.accountType = .hosted
        #expect(throws: PairingError.hmacMismatch) {
            try CompanionPairing.accept(
                Self.success(session, container), advSecret: session.advSecret, identity: session.companionIdentity)
        }
    }

    @Test func wrongAccountSignatureIsASignatureMismatch() throws {
        let session = try LinkingSession(kind: "qr_session")
        var container = try Self.container(session)
        var signed = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: container.details)
        var signature = [UInt8](signed.accountSignature)
        signature[0] ^= 1
        signed.accountSignature = Data(signature)
        container.details = try signed.serializedData()
        container.hmac = Data(HMACSHA256.authenticate([UInt8](container.details), key: session.advSecret))
        #expect(throws: PairingError.signatureMismatch) {
            try CompanionPairing.accept(
                Self.success(session, container), advSecret: session.advSecret, identity: session.companionIdentity)
        }
        // The right pair-success, but accepted by another companion identity.
        #expect(throws: PairingError.signatureMismatch) {
            try CompanionPairing.accept(
                Self.success(session, try Self.container(session)), advSecret: session.advSecret,
                identity: .generate())
        }
    }

    @Test func refusalsNameTheError() {
        let expected: [(PairingError, String, String)] = [
            (.hmacMismatch, "401", "hmac-mismatch"), (.signatureMismatch, "401", "signature-mismatch"),
            (.malformed("x"), "500", "internal-error"), (.wrongCode, "500", "internal-error"),
        ]
        for (error, code, text) in expected {
            let refusal = CompanionPairing.refusal(iqID: "pair-success-1", error)
            #expect(refusal.tag == "iq")
            #expect(refusal["type"] == "error")
            #expect(refusal["id"] == "pair-success-1")
            #expect(refusal["to"]?.jid == JID(user: "", server: JID.userServer))
            #expect(refusal.child(tagged: "error")?["code"] == .string(code))
            #expect(refusal.child(tagged: "error")?["text"] == .string(text))
        }
    }

    static func container(_ session: LinkingSession) throws -> WAAdv_ADVSignedDeviceIdentityHMAC {
        let success = try #require(try PairSuccess.parse(Node(frame: session.successFrame)))
        return try WAAdv_ADVSignedDeviceIdentityHMAC(serializedBytes: success.deviceIdentity)
    }

    /// The session's pair-success with another device identity container.
    static func success(_ session: LinkingSession, _ container: WAAdv_ADVSignedDeviceIdentityHMAC) throws -> PairSuccess
    {
        var node = try Node(frame: session.successFrame)
        var pairSuccess = try #require(node.child(tagged: "pair-success"))
        pairSuccess.content = .nodes(
            try pairSuccess.children.map { child in
                guard child.tag == "device-identity" else { return child }
                var replaced = child
                replaced.content = .bytes(try container.serializedBytes())
                return replaced
            })
        node.content = .nodes([pairSuccess])
        return try #require(try PairSuccess.parse(node))
    }
}
