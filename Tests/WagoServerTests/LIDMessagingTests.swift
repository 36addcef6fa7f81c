import Foundation
import GRDB
import HummingbirdTesting
import Testing
import WABinary
@testable import WAClient
import WAProto
import WagoStore
@testable import WagoServer

/// LID addressing end to end against the sandbox: a session's send to a phone number goes to
/// the account's LID (learned by usync), and a phone's message addressed to the session's LID
/// reaches the webhook with the sender's phone number as `SenderAlt`.
@Suite("LID messaging through the sandbox", .serialized)
struct LIDMessagingTests {
    @Test("a send to a phone number goes to its LID; a LID-addressed reply carries SenderAlt", .timeLimit(.minutes(5)))
    func lidBothWays() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990051", "5511999990052")
            let anaLID = try await Self.createAccount(ana, "Ana", in: world)
            let biaLID = try await Self.createAccount(bia, "Bia", in: world)
            let (_, whatsApp) = try await Self.linkAna(ana, in: world, webhook: receiver.url)
            let ownDevice = try #require(await whatsApp.status.jid?.device)

            // Session → Bia's phone number: it arrives from Ana's LID device, so it went to Bia's LID.
            var message = WAE2E_Message()
            message.conversation = "oi pelo LID"
            let sent = try await whatsApp.send(message, to: JID(user: bia, server: JID.userServer))
            let inbox = try await world.waitForMessages(of: bia, count: 1)
            #expect(inbox.first?["ID"] as? String == sent.id)
            #expect(inbox.first?["From"] as? String == "\(anaLID):\(ownDevice)@lid")
            #expect(inbox.first?["Chat"] as? String == "\(anaLID)@lid")
            #expect((inbox.first?["Message"] as? [String: Any])?["conversation"] as? String == "oi pelo LID")
            // Ana's phone got its copy in the LID chat (recipient = Bia's LID).
            let own = try await world.waitForMessages(of: ana, count: 1).first { $0["ID"] as? String == sent.id }
            #expect(own?["Chat"] as? String == "\(biaLID)@lid")

            // Bia's phone → Ana's LID: WaGo's Message event with the LID chat and Bia's number as SenderAlt.
            let reply = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(anaLID)@lid","Message":{"conversation":"resposta"}}"#)
            #expect(reply.status == .ok, "\(reply.object)")
            let replyID = try #require(reply.object["ID"] as? String)
            let isReply: ([String: Any]) -> Bool = {
                (($0["event"] as? [String: Any])?["Info"] as? [String: Any])?["ID"] as? String == replyID
            }
            let messages = try await receiver.events(ofType: "Message", in: world) { $0.contains(where: isReply) }
            let event = try #require(messages.first(where: isReply)?["event"] as? [String: Any])
            let info = try #require(event["Info"] as? [String: Any])
            #expect(info["Chat"] as? String == "\(biaLID)@lid")
            #expect(info["Sender"] as? String == "\(biaLID)@lid")
            #expect(info["SenderAlt"] as? String == "\(bia)@s.whatsapp.net")
            #expect(info["RecipientAlt"] as? String == "")
            #expect(info["AddressingMode"] as? String == "")
            #expect(info["IsFromMe"] as? Bool == false)
            #expect((event["Message"] as? [String: Any])?["conversation"] as? String == "resposta")
            // The field order of WaGo's Info is kept.
            let json = try #require(receiver.jsonData.first { $0.contains(replyID) })
            #expect(json.contains(#""AddressingMode":"","SenderAlt":"\#(bia)@s.whatsapp.net","RecipientAlt":"""#))
        }
    }

    @Test("the LIDs of the contacts in the phone's history blob are stored", .timeLimit(.minutes(5)))
    func lidsFromHistorySync() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (caio, dora) = ("5511999990061", "5511999990062")
            _ = try await Self.createAccount(caio, "Caio", in: world)
            let doraLID = try await Self.createAccount(dora, "Dora", in: world)
            // Dora writes to Caio's phone before Caio links: she is in the phone's history.
            let old = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(dora)","To":"\#(caio)@s.whatsapp.net","Message":{"conversation":"antes"}}"#)
            #expect(old.status == .ok, "\(old.object)")
            _ = try await world.waitForMessages(of: caio, count: 1)
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(
                    named: "caio", token: "tok-caio", to: caio, on: client, subscribe: ["HistorySync"],
                    webhook: receiver.url)
            }
            _ = try await receiver.events(ofType: "HistorySync", in: world) { $0.count == 2 }
            let session = try #require(world.gateway.gateway.sessions.all.first)
            let directory = world.gateway.dataDirectory
            let secrets = SecretBox(masterKey: try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory))
            let lids = LIDStore(database: try WagoDatabase(dataDirectory: directory, secrets: secrets), device: session.id)
            try await world.waitUntil { try await lids.lid(forPhone: dora) != nil }
            #expect(try await lids.lid(forPhone: dora) == doraLID)
            #expect(try await lids.phone(forLID: doraLID) == dora)
        }
    }

    @Test(
        "a phone's sessions by phone number move to its LID: its LID message decrypts on them, the next send goes on them",
        .timeLimit(.minutes(5)))
    func sessionsMoveToLID() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990071", "5511999990072")
            let anaLID = try await Self.createAccount(ana, "Ana", in: world)
            let biaLID = try await Self.createAccount(bia, "Bia", in: world)
            let (session, whatsApp) = try await Self.linkAna(ana, in: world, webhook: receiver.url)
            let database = try Self.database(of: world)
            func biaSessions() async throws -> [String] {
                try await Self.signalState(with: [bia, "\(biaLID)_1"], in: database, device: session.id).sessions
            }
            func preKeyCount() async throws -> Int {
                try await SignalStore(database: database, device: session.id).preKeyCount()
            }
            func phoneSends(_ text: String, to: String) async throws -> [String: Any] {
                try await Self.phoneSends(text, from: bia, to: to, in: world, receiver: receiver)
            }

            // Bia's phone writes to Ana's number: a session by phone number on both sides.
            let byNumber = try await phoneSends("pelo número", to: "\(ana)@s.whatsapp.net")
            #expect(byNumber["Sender"] as? String == "\(bia)@s.whatsapp.net")
            #expect(try await biaSessions() == ["\(bia):0"])
            let preKeys = try await preKeyCount()

            // Then to Ana's LID, on the same ratchet: the gateway moves the session to Bia's
            // LID before decrypting; no prekey message (none of its prekeys used), no retry.
            let byLID = try await phoneSends("pelo LID", to: "\(anaLID)@lid")
            #expect(byLID["Sender"] as? String == "\(biaLID)@lid")
            #expect(byLID["SenderAlt"] as? String == "\(bia)@s.whatsapp.net")
            #expect(try await biaSessions() == ["\(biaLID)_1:0"])
            #expect(try await preKeyCount() == preKeys, "the LID message was no prekey message")

            // The gateway's next send to Bia's number goes to her LID, on the moved session.
            var message = WAE2E_Message()
            message.conversation = "de volta"
            let sent = try await whatsApp.send(message, to: JID(user: bia, server: JID.userServer))
            let inbox = try await world.waitForMessages(of: bia, count: 1)
            #expect(inbox.first?["ID"] as? String == sent.id)
            #expect((inbox.first?["Message"] as? [String: Any])?["conversation"] as? String == "de volta")
            #expect(try await biaSessions() == ["\(biaLID)_1:0"])
        }
    }

    @Test("a number without a LID is asked about once; a LID learned from a stanza ends that", .timeLimit(.minutes(5)))
    func numberWithoutLIDAskedOnce() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, eva) = ("5511999990091", "5511999990092")
            let anaLID = try await Self.createAccount(ana, "Ana", in: world)
            let (_, whatsApp) = try await Self.linkAna(ana, in: world, webhook: receiver.url)
            let evaNumber = JID(user: eva, server: JID.userServer)

            // No account has the number yet: the server gives no LID.
            #expect(try await whatsApp.lid(of: evaNumber) == nil)
            // Now it has one, but the next send does not ask again (it would find it).
            let evaLID = try await Self.createAccount(eva, "Eva", in: world)
            #expect(try await whatsApp.lid(of: evaNumber) == nil)

            // Eva writes from her LID: the stanza's sender_pn pairs them, and sends find it.
            let reply = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(eva)","To":"\#(anaLID)@lid","Message":{"conversation":"oi"}}"#)
            #expect(reply.status == .ok, "\(reply.object)")
            _ = try await receiver.events(ofType: "Message", in: world) { !$0.isEmpty }
            // (stored right after the event was taken)
            try await world.waitUntil { try await whatsApp.lid(of: evaNumber) != nil }
            #expect(try await whatsApp.lid(of: evaNumber) == JID(user: evaLID, server: JID.lidServer))
        }
    }

    @Test(
        "a phone writing by number whose LID the session knows decrypts on the LID's session, with the LID as SenderAlt",
        .timeLimit(.minutes(5)))
    func numberSenderDecryptsOnLID() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990101", "5511999990102")
            let anaLID = try await Self.createAccount(ana, "Ana", in: world)
            let biaLID = try await Self.createAccount(bia, "Bia", in: world)
            let (session, whatsApp) = try await Self.linkAna(ana, in: world, webhook: receiver.url)
            let database = try Self.database(of: world)
            func sessions(with names: [String]) async throws -> [String] {
                try await Self.signalState(with: names, in: database, device: session.id).sessions
            }
            let signal = SignalStore(database: database, device: session.id)

            // Bia writes by number before the session knows her LID: a session by phone number.
            let first = try await Self.phoneSends("primeira", from: bia, to: "\(ana)@s.whatsapp.net", in: world, receiver: receiver)
            #expect(first["SenderAlt"] as? String == "")
            #expect(try await sessions(with: [bia, "\(biaLID)_1"]) == ["\(bia):0"])

            // The session learns her LID (usync), which moves no session by itself.
            #expect(try await whatsApp.lid(of: JID(user: bia, server: JID.userServer)) == JID(user: biaLID, server: JID.lidServer))
            #expect(try await sessions(with: [bia, "\(biaLID)_1"]) == ["\(bia):0"])
            let preKeys = try await signal.preKeyCount()

            // Her next message by number, on the same ratchet, decrypts as her LID: the session
            // moved there first; no prekey message, and her LID is the SenderAlt.
            let second = try await Self.phoneSends("segunda", from: bia, to: "\(ana)@s.whatsapp.net", in: world, receiver: receiver)
            #expect(second["Sender"] as? String == "\(bia)@s.whatsapp.net")
            #expect(second["SenderAlt"] as? String == "\(biaLID)@lid")
            #expect(second["Chat"] as? String == "\(bia)@s.whatsapp.net")
            #expect(try await sessions(with: [bia, "\(biaLID)_1"]) == ["\(biaLID)_1:0"])
            #expect(try await signal.preKeyCount() == preKeys, "the message was no prekey message")

            // Our own phone's copy of what it sends by number decrypts as our LID, too.
            let own = try await Self.phoneSends("minha", from: ana, to: "\(bia)@s.whatsapp.net", in: world, receiver: receiver)
            #expect(own["IsFromMe"] as? Bool == true)
            #expect(own["Sender"] as? String == "\(ana)@s.whatsapp.net")
            #expect(own["SenderAlt"] as? String == "\(anaLID)@lid")
            #expect(try await sessions(with: [ana, "\(anaLID)_1"]) == ["\(anaLID)_1:0"])
        }
    }

    @Test(
        "in a phone-number group, a member whose LID the session knows gets its sender key kept under the LID",
        .timeLimit(.minutes(5)))
    func numberSenderInGroupUsesLIDSenderKey() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990111", "5511999990112")
            _ = try await Self.createAccount(ana, "Ana", in: world)
            let biaLID = try await Self.createAccount(bia, "Bia", in: world)
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(ana)","Participants":["\#(bia)"],"Subject":"Por número"}"#)
            #expect(created.status == .ok, "\(created.object)")
            let group = try #require(created.object["JID"] as? String)
            let (session, whatsApp) = try await Self.linkAna(ana, in: world, webhook: receiver.url)
            let database = try Self.database(of: world)
            _ = try await whatsApp.lid(of: JID(user: bia, server: JID.userServer))

            // Her first message brings her sender key (on a new 1:1 session), the second uses it alone.
            for text in ["oi, grupo", "de novo"] {
                let info = try await Self.phoneSends(text, from: bia, to: group, in: world, receiver: receiver)
                #expect(info["Chat"] as? String == group)
                #expect(info["Sender"] as? String == "\(bia)@s.whatsapp.net")
                #expect(info["SenderAlt"] as? String == "\(biaLID)@lid")
            }
            let state = try await Self.signalState(with: [bia, "\(biaLID)_1"], in: database, device: session.id)
            #expect(state.sessions == ["\(biaLID)_1:0"])
            #expect(state.senderKeys == ["\(biaLID)_1:0"])
        }
    }

    /// The gateway's database, opened beside it: reads go past the session's caches.
    static func database(of world: LinkingWorld) throws -> WagoDatabase {
        let directory = world.gateway.dataDirectory
        let secrets = SecretBox(masterKey: try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory))
        return try WagoDatabase(dataDirectory: directory, secrets: secrets)
    }

    /// Session `device`'s Signal state with the Signal address names `names` (a phone number,
    /// or a LID's "<lid>_1"): its session addresses and the senders of its group sender keys.
    static func signalState(with names: [String], in database: WagoDatabase, device: String) async throws -> (
        sessions: [String], senderKeys: [String]
    ) {
        let (sessions, senders) = try await database.pool.read { db in
            (
                try String.fetchAll(db, sql: "SELECT address FROM signalSession WHERE device = ?", arguments: [device]),
                try String.fetchAll(db, sql: "SELECT sender FROM signalSenderKey WHERE device = ?", arguments: [device])
            )
        }
        let named: (String) -> Bool = { address in names.contains { address.hasPrefix("\($0):") } }
        return (sessions.filter(named).sorted(), senders.filter(named).sorted())
    }

    /// Phone `from` sends `text` to `to` through the sandbox; returns the Info of the gateway's Message event for it.
    static func phoneSends(
        _ text: String, from: String, to: String, in world: LinkingWorld, receiver: WebhookReceiver
    ) async throws -> [String: Any] {
        let reply = try await world.sandbox(
            .post, "/sandbox/send", #"{"From":"\#(from)","To":"\#(to)","Message":{"conversation":"\#(text)"}}"#)
        #expect(reply.status == .ok, "\(reply.object)")
        let id = try #require(reply.object["ID"] as? String)
        let info: ([String: Any]) -> [String: Any]? = {
            let info = ($0["event"] as? [String: Any])?["Info"] as? [String: Any]
            return info?["ID"] as? String == id ? info : nil
        }
        let messages = try await receiver.events(ofType: "Message", in: world) { $0.contains { info($0) != nil } }
        return try #require(messages.compactMap(info).first)
    }

    /// Session "ana" linked to `phone`, posting its messages to `webhook`.
    static func linkAna(_ phone: String, in world: LinkingWorld, webhook: String) async throws
        -> (record: SessionRecord, client: WhatsAppClient)
    {
        try #require(try await world.linkedSessions([("ana", phone)], subscribe: ["Message"], webhook: webhook).first)
    }

    /// Creates a virtual account and returns its LID user.
    static func createAccount(_ phone: String, _ pushName: String, in world: LinkingWorld) async throws -> String {
        let created = try await world.sandbox(.post, "/sandbox/accounts", #"{"Phone":"\#(phone)","PushName":"\#(pushName)"}"#)
        #expect(created.status == .ok, "\(created.object)")
        let lid = try #require(created.object["LID"] as? String)
        return String(lid.prefix { $0 != "@" })
    }
}
