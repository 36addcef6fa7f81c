import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAEvents
import WAProto
import WagoTestSupport

/// The payloads other than messages, each event built from its case's stanza where the
/// stanza says it, and from the case's JSON where whatsmeow's handler would have looked
/// elsewhere (its own JID, the LID store) or no stanza exists.
@Suite struct PayloadTests {
    /// Cases these tests reproduce, by test; `everyCaseIsCovered` checks the list.
    static let receiptIDs = EventVectors.ids(prefix: "receipt-")
    static let presenceIDs = EventVectors.ids(prefix: "presence-")
    static let chatPresenceIDs = EventVectors.ids(prefix: "chatpresence-")
    static let callIDs = EventVectors.ids(prefix: "call-")
    static let groupInfoIDs = EventVectors.ids(prefix: "groupinfo-")
    static let undecryptableIDs = EventVectors.ids(prefix: "undecryptable-")
    static let loggedOutIDs = EventVectors.ids(prefix: "loggedout-")
    static let singleIDs = ["historysync-recent", "connected", "pairsuccess", "qr-code"]
    /// newsletter-join needs `types.NewsletterMetadata` (parsed from the mex JSON), which this
    /// module does not model yet.
    static let unsupportedIDs = ["newsletter-join"]
    static var covered: Set<String> {
        Set(
            receiptIDs + presenceIDs + chatPresenceIDs + callIDs + groupInfoIDs + undecryptableIDs + loggedOutIDs
                + singleIDs + unsupportedIDs + EventVectors.ids(prefix: "message-"))
    }

    @Test func everyCaseIsCovered() {
        let covered = Self.covered
        #expect(EventVectors.ids().count == 46)
        #expect(covered == Set(EventVectors.ids()))
    }

    /// Posts `event` and compares with the case, or checks that nothing is posted.
    func expectPayload(_ event: WebhookEvent, _ vector: [String: Any]) throws {
        let payload = try WebhookPayload(event)
        guard vector["posted"] as? Bool == true else {
            #expect(payload == nil)
            return
        }
        let posted = try #require(payload)
        expectJSON(posted.json, try EventVectors.expectedJSON(vector))
        #expect(posted.type == vector["wago_type"] as? String)
    }

    @Test(arguments: receiptIDs)
    func receipt(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        var receipt = Receipt()
        let expected = try? EventVectors.event(vector)
        // The played receipt is not posted, so it has no payload to take the source from.
        receipt.source.chat = try EventVectors.jid(expected?["Chat"] ?? stanza["from"]?.description)
        receipt.source.sender = try EventVectors.jid(expected?["Sender"] ?? stanza["from"]?.description)
        receipt.source.isFromMe = expected?["IsFromMe"] as? Bool ?? false
        receipt.source.isGroup = stanza["from"]?.jid?.server == JID.groupServer
        let listed = stanza.child(tagged: "list")?.children(tagged: "item").compactMap { $0["id"]?.description } ?? []
        receipt.messageIDs = [stanza["id"]?.description ?? ""] + listed
        receipt.timestamp = try EventVectors.time(stanza, "t")
        receipt.type = stanza["type"]?.description ?? ""
        receipt.messageSender = try EventVectors.jid(expected?["MessageSender"] ?? "")
        try expectPayload(.receipt(receipt), vector)
    }

    @Test(arguments: presenceIDs)
    func presence(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        var presence = Presence()
        presence.from = try #require(stanza["from"]?.jid)
        presence.unavailable = stanza["type"]?.description == "unavailable"
        if let last = stanza["last"]?.description, let seconds = Int64(last) {
            presence.lastSeen = try GoTime(unixSeconds: seconds, in: TimeZone(identifier: "UTC")!)
        }
        try expectPayload(.presence(presence), vector)
    }

    @Test(arguments: chatPresenceIDs)
    func chatPresence(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        let state = try #require(stanza.children.first)
        var chatPresence = ChatPresence()
        chatPresence.source = try EventVectors.source(try EventVectors.event(vector))
        chatPresence.state = state.tag
        chatPresence.media = state["media"]?.description ?? ""
        try expectPayload(.chatPresence(chatPresence), vector)
    }

    @Test(arguments: callIDs)
    func call(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        let data = try #require(stanza.children.first)
        var basic = BasicCallMeta()
        basic.from = try #require(stanza["from"]?.jid)
        basic.timestamp = try EventVectors.time(stanza, "t")
        basic.callCreator = try #require(data["call-creator"]?.jid)
        basic.callCreatorAlt = data["caller_pn"]?.jid ?? JID(user: "", server: "")
        basic.callID = data["call-id"]?.description ?? ""
        let remote = CallRemoteMeta(
            remotePlatform: stanza["platform"]?.description ?? "", remoteVersion: stanza["version"]?.description ?? "")
        let event: CallEvent =
            switch data.tag {
            case "offer": .offer(basic, remote, data: data)
            case "accept": .accept(basic, remote, data: data)
            case "terminate": .terminate(basic, reason: data["reason"]?.description ?? "", data: data)
            default: .relayLatency(basic, data: data)
            }
        try expectPayload(.call(event), vector)
    }

    @Test(arguments: groupInfoIDs)
    func groupInfo(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        let change = try #require(stanza.children.first)
        var info = GroupInfo()
        info.jid = try #require(stanza["from"]?.jid)
        info.notify = stanza["notify"]?.description ?? ""
        info.sender = stanza["participant"]?.jid
        info.senderPN = stanza["participant_pn"]?.jid
        info.timestamp = try EventVectors.time(stanza, "t")
        switch change.tag {
        case "add":
            info.previousParticipantVersionID = change["prev_v_id"]?.description ?? ""
            info.participantVersionID = change["v_id"]?.description ?? ""
            info.join = change.children(tagged: "participant").compactMap { $0["jid"]?.jid }
        default:
            var name = GroupName()
            name.name = change["subject"]?.description ?? ""
            name.nameSetAt = try EventVectors.time(change, "s_t")
            name.nameSetBy = try #require(change["s_o"]?.jid)
            name.nameSetByPN = try #require(change["s_o_pn"]?.jid)
            info.name = name
        }
        try expectPayload(.groupInfo(info), vector)
    }

    @Test(arguments: undecryptableIDs)
    func undecryptable(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        let info = try MessagePayloadTests.info(vector, stanza)
        let unavailable = stanza.child(tagged: "unavailable")
        let event = UndecryptableMessage(
            info: info, isUnavailable: unavailable != nil, unavailableType: unavailable?["type"]?.description ?? "",
            decryptFailMode: stanza.child(tagged: "enc")?["decrypt-fail"]?.description ?? "")
        try expectPayload(.undecryptableMessage(event), vector)
    }

    @Test(arguments: loggedOutIDs)
    func loggedOut(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        let onConnect = stanza.tag == "failure"
        let reason = try #require(Int(stanza[onConnect ? "reason" : "code"]?.description ?? ""))
        try expectPayload(.loggedOut(LoggedOut(onConnect: onConnect, reason: reason)), vector)
    }

    /// Data and Notification decoded from the case's JSON with swift-protobuf (which reads
    /// numeric enums and 64-bit integers), then written back in Go's form.
    @Test func historySync() throws {
        let vector = try EventVectors.case("historysync-recent")
        let event = try EventVectors.event(vector)
        let data = try WAHistorySync_HistorySync(jsonUTF8Data: JSONSerialization.data(withJSONObject: event["Data"]!))
        let notification = try WAE2E_HistorySyncNotification(
            jsonUTF8Data: JSONSerialization.data(withJSONObject: event["Notification"]!))
        try expectPayload(.historySync(HistorySync(data: data, notification: notification)), vector)
    }

    @Test func connected() throws {
        try expectPayload(.connected(Connected()), try EventVectors.case("connected"))
    }

    @Test func pairSuccess() throws {
        let vector = try EventVectors.case("pairsuccess")
        let event = try EventVectors.event(vector)
        let props = try WACompanionReg_ClientPairingProps(jsonUTF8Data: JSONSerialization.data(withJSONObject: event["Props"]!))
        let pairSuccess = PairSuccess(
            id: try EventVectors.jid(event["ID"]), lid: try EventVectors.jid(event["LID"]), businessName: "",
            platform: "android", props: props)
        try expectPayload(.pairSuccess(pairSuccess), vector)
    }

    /// The PNG comes from go-qrcode and is not reproduced here; the envelope is.
    @Test func qrCode() throws {
        let vector = try EventVectors.case("qr-code")
        let json = try #require(vector["json"] as? [String: Any])
        let image = try #require(json["qrCodeBase64"] as? String)
        try expectPayload(.qrCode(imageDataURL: image), vector)
    }
}
