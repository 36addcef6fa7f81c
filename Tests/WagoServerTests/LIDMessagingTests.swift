import Foundation
import HummingbirdTesting
import Testing
import WABinary
import WAClient
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
        let receiver = try await WebhookReceiver()
        try await LinkingWorld.run(allowPrivateURLs: true) { world in
            let (ana, bia) = ("5511999990051", "5511999990052")
            let anaLID = try await Self.createAccount(ana, "Ana", in: world)
            let biaLID = try await Self.createAccount(bia, "Bia", in: world)
            try await world.deliveringWebhooks {
                try await world.gateway.test(.router) { client async throws in
                    try await world.linkSession(
                        named: "ana", token: "tok-ana", to: ana, on: client, subscribe: ["Message"], webhook: receiver.url)
                }
                let session = try #require(world.gateway.gateway.sessions.all.first)
                let whatsApp = try #require(await world.gateway.gateway.clients.client(of: session))
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
                try await world.waitUntil { receiver.events(ofType: "Message").contains(where: isReply) }
                let event = try #require(receiver.events(ofType: "Message").first(where: isReply)?["event"] as? [String: Any])
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
            await world.gateway.gateway.clients.stopAll()
        }
        await receiver.stop()
    }

    @Test("the LIDs of the contacts in the phone's history blob are stored", .timeLimit(.minutes(5)))
    func lidsFromHistorySync() async throws {
        let receiver = try await WebhookReceiver()
        try await LinkingWorld.run(allowPrivateURLs: true) { world in
            let (caio, dora) = ("5511999990061", "5511999990062")
            _ = try await Self.createAccount(caio, "Caio", in: world)
            let doraLID = try await Self.createAccount(dora, "Dora", in: world)
            // Dora writes to Caio's phone before Caio links: she is in the phone's history.
            let old = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(dora)","To":"\#(caio)@s.whatsapp.net","Message":{"conversation":"antes"}}"#)
            #expect(old.status == .ok, "\(old.object)")
            _ = try await world.waitForMessages(of: caio, count: 1)
            try await world.deliveringWebhooks {
                try await world.gateway.test(.router) { client async throws in
                    try await world.linkSession(
                        named: "caio", token: "tok-caio", to: caio, on: client, subscribe: ["HistorySync"],
                        webhook: receiver.url)
                }
                try await world.waitUntil { receiver.events(ofType: "HistorySync").count == 2 }
            }
            let session = try #require(world.gateway.gateway.sessions.all.first)
            let directory = world.gateway.dataDirectory
            let secrets = SecretBox(masterKey: try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory))
            let lids = LIDStore(database: try WagoDatabase(dataDirectory: directory, secrets: secrets), device: session.id)
            try await world.waitUntil { try await lids.lid(forPhone: dora) != nil }
            #expect(try await lids.lid(forPhone: dora) == doraLID)
            #expect(try await lids.phone(forLID: doraLID) == dora)
            await world.gateway.gateway.clients.stopAll()
        }
        await receiver.stop()
    }

    /// Creates a virtual account and returns its LID user.
    static func createAccount(_ phone: String, _ pushName: String, in world: LinkingWorld) async throws -> String {
        let created = try await world.sandbox(.post, "/sandbox/accounts", #"{"Phone":"\#(phone)","PushName":"\#(pushName)"}"#)
        #expect(created.status == .ok, "\(created.object)")
        let lid = try #require(created.object["LID"] as? String)
        return String(lid.prefix { $0 != "@" })
    }
}
