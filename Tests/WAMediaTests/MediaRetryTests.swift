import Testing
import WABinary
import WACrypto
import WAMedia
import WAProto

/// whatsmeow's media retry: the client's encrypted `server-error` receipt, the phone's encrypted
/// `mediaretry` notification, both bound to the media key and the message id.
struct MediaRetryTests {
    let mediaKey = randomBytes(32)
    let own = JID(user: "5511999990001", server: JID.userServer)
    let chat = JID(user: "5511999990002", server: JID.userServer)

    @Test func receiptCarriesTheSealedRequestAndTheMessagesPlace() throws {
        let group = JID(user: "120363000000000001", server: JID.groupServer)
        let receipt = try MediaRetry.receipt(
            messageID: "3EB0ABC", ownJID: own, chat: group, fromMe: false, participant: chat, mediaKey: mediaKey)
        #expect(receipt.tag == "receipt")
        #expect(receipt["type"]?.description == "server-error")
        #expect(receipt["to"]?.jid == own && receipt["id"]?.description == "3EB0ABC")
        let rmr = try #require(receipt.child(tagged: "rmr"))
        #expect(rmr["jid"]?.jid == group && rmr["from_me"]?.description == "false" && rmr["participant"]?.jid == chat)
        guard case .bytes(let iv) = receipt.child(tagged: "encrypt")?.child(tagged: "enc_iv")?.content else {
            Issue.record("no enc_iv")
            return
        }
        #expect(iv.count == 12)

        try MediaRetry.openReceipt(receipt, mediaKey: mediaKey)
        #expect(throws: MediaRetryError.decryptionFailed) { try MediaRetry.openReceipt(receipt, mediaKey: randomBytes(32)) }
        var otherMessage = receipt
        otherMessage.attributes["id"] = "3EB0DEF"
        // The message id is the associated data: a receipt moved to another message fails.
        #expect(throws: MediaRetryError.decryptionFailed) { try MediaRetry.openReceipt(otherMessage, mediaKey: mediaKey) }
    }

    @Test func notificationRoundTripsThroughItsNode() throws {
        let notice = try MediaRetryNotice(
            answering: "3EB0ABC", chat: chat, fromMe: true, participant: nil, directPath: "/v/t62.7118-24/new.enc?ccb=11-4",
            mediaKey: mediaKey)
        let node = notice.node(to: JID(user: own.user, server: JID.userServer, device: 3), from: own, timestamp: 1_760_000_000)
        #expect(node["type"]?.description == "mediaretry")
        let read = try MediaRetryNotice(node: node)
        #expect(read == notice && read.fromMe && read.participant == nil)
        let payload = try read.open(mediaKey: mediaKey)
        #expect(payload.directPath == "/v/t62.7118-24/new.enc?ccb=11-4")
        #expect(payload.result == .success)
        #expect(throws: MediaRetryError.decryptionFailed) { try read.open(mediaKey: randomBytes(32)) }
        var moved = read
        moved.messageID = "3EB0DEF"
        #expect(throws: MediaRetryError.decryptionFailed) { try moved.open(mediaKey: mediaKey) }
    }

    @Test func phoneErrorsAndIncompleteNotificationsAreRefused() throws {
        let missing = MediaRetryNotice(
            messageID: "3EB0ABC", chat: chat, fromMe: false, participant: nil, answer: .error(code: 2))
        let read = try MediaRetryNotice(node: missing.node(to: own, from: own, timestamp: 1))
        #expect(read.answer == .error(code: 2))
        #expect(throws: MediaRetryError.phoneError(code: 2)) { try read.open(mediaKey: mediaKey) }

        var noRMR = missing.node(to: own, from: own, timestamp: 1)
        noRMR.content = .nodes(noRMR.children.filter { $0.tag != "rmr" })
        #expect(throws: MediaRetryError.missing("rmr")) { try MediaRetryNotice(node: noRMR) }
        let noPayload = Node(
            tag: "notification", attributes: ["id": "x", "type": "mediaretry"],
            content: .nodes([Node(tag: "rmr", attributes: ["jid": .jid(chat), "from_me": "false"])]))
        #expect(throws: MediaRetryError.missing("encrypt")) { try MediaRetryNotice(node: noPayload) }
    }
}
