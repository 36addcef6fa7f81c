import Foundation
import Synchronization
import Testing
import WABinary
import WAClient
import WAMessaging
import WAProto
@testable import WagoServer

/// A LID-addressed group (`addressing_mode=lid`) through the sandbox: its members are LIDs in
/// the `w:g2` answer, the session writes there from its LID device, and what the phones write
/// reaches the webhook with the sender's LID and its phone number as SenderAlt.
@Suite("LID-addressed groups through the sandbox", .serialized)
struct LIDGroupMessagingTests {
    @Test("a session and two phones exchange messages in a LID-addressed group", .timeLimit(.minutes(5)))
    func lidGroupBothWays() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia, caio) = ("5511999990081", "5511999990082", "5511999990083")
            let anaLID = try await LIDMessagingTests.createAccount(ana, "Ana", in: world)
            let biaLID = try await LIDMessagingTests.createAccount(bia, "Bia", in: world)
            let caioLID = try await LIDMessagingTests.createAccount(caio, "Caio", in: world)
            let events = Mutex<[String]>([])
            world.gateway.gateway.events.subscribe("Message") { _, _, json in events.withLock { $0.append(json) } }
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "ana", token: "tok-ana", to: ana, on: client)
            }
            let refused = try await world.sandbox(
                .post, "/sandbox/groups",
                #"{"Creator":"\#(ana)","Participants":["\#(bia)"],"Subject":"X","AddressingMode":"hidden"}"#)
            #expect(refused.status == .badRequest)
            let created = try await world.sandbox(
                .post, "/sandbox/groups",
                #"{"Creator":"\#(ana)","Participants":["\#(bia)","\#(caio)"],"Subject":"Trio","AddressingMode":"lid"}"#)
            #expect(created.status == .ok, "\(created.object)")
            let group = try JID(parsing: try #require(created.object["JID"] as? String))
            let client = try await world.session(named: "ana").client
            let ownDevice = try #require(await client.status.jid?.device)

            // The group's metadata names its members by LID, each with its phone number.
            let metadata = try await client.fetchGroupMetadata(group)
            #expect(metadata.addressingMode == "lid")
            let lids = [anaLID, biaLID, caioLID].map { JID(user: $0, server: JID.lidServer) }
            #expect(Set(metadata.participants) == Set(lids))
            #expect(metadata.participantAlternatives[lids[1]] == JID(user: bia, server: JID.userServer))
            #expect(metadata.creator == lids[0])

            // The session → both phones, twice (the second without sender key distribution),
            // from its LID device.
            for text in ["olá, grupo LID", "tudo bem?"] {
                _ = try await client.send(Self.text(text), to: group)
            }
            for phone in [bia, caio] {
                let inbox = try await world.waitForMessages(of: phone, count: 2)
                let texts = inbox.map { ($0["Message"] as? [String: Any])?["conversation"] as? String }
                #expect(texts == ["olá, grupo LID", "tudo bem?"])
                #expect(inbox.allSatisfy { $0["Chat"] as? String == group.description })
                #expect(inbox.allSatisfy { $0["From"] as? String == "\(anaLID):\(ownDevice)@lid" })
            }

            // Bia's phone → the session (and Caio's phone): Sender is Bia's LID, SenderAlt her number.
            let reply = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(group)","Message":{"conversation":"oi, gente"}}"#)
            #expect(reply.status == .ok, "\(reply.object)")
            let replyID = try #require(reply.object["ID"] as? String)
            func info(of id: String) -> [String: Any]? {
                events.withLock { $0 }.lazy.compactMap { json in
                    (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["Info"] as? [String: Any]
                }.first { $0["ID"] as? String == id }
            }
            try await world.waitUntil { info(of: replyID) != nil }
            let received = try #require(info(of: replyID))
            #expect(received["Chat"] as? String == group.description)
            #expect(received["IsGroup"] as? Bool == true)
            #expect(received["AddressingMode"] as? String == "lid")
            #expect(received["Sender"] as? String == "\(biaLID)@lid")
            #expect(received["SenderAlt"] as? String == "\(bia)@s.whatsapp.net")
            let caioInbox = try await world.waitForMessages(of: caio, count: 3)
            #expect(caioInbox.last?["From"] as? String == "\(biaLID)@lid")
            #expect((caioInbox.last?["Message"] as? [String: Any])?["conversation"] as? String == "oi, gente")

            // And the session answers: the phones read it on the key they already hold.
            _ = try await client.send(Self.text("oi, Bia"), to: group)
            let biaInbox = try await world.waitForMessages(of: bia, count: 3)
            #expect((biaInbox.last?["Message"] as? [String: Any])?["conversation"] as? String == "oi, Bia")
            await world.gateway.gateway.clients.stopAll()
        }
    }

    static func text(_ text: String) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.conversation = text
        return message
    }
}
