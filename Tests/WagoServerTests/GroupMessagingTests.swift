import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WABinary
import WAClient
import WAProto
@testable import WagoServer

/// Group messages through the sandbox with sender keys: a gateway session and virtual phones
/// in one group, a second session linked mid-conversation (reached through the devices
/// notification), every direction decrypted with real keys and reported as WaGo's Message event.
@Suite("Group messages through the sandbox", .serialized)
struct GroupMessagingTests {
    @Test("sessions and phones exchange group messages both ways; a device linked later gets the next one")
    func groupBothWays() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia, caio) = ("5511999990041", "5511999990042", "5511999990043")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia"), (caio, "Caio")])
            let events = Mutex<[(session: String, json: String)]>([])
            world.gateway.gateway.events.subscribe("Message") { session, _, json in events.withLock { $0.append((session, json)) } }
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "ana", token: "tok-ana", to: ana, on: client)
            }
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(ana)","Participants":["\#(bia)","\#(caio)"],"Subject":"Trio"}"#)
            #expect(created.status == .ok, "\(created.object)")
            let group = try JID(parsing: try #require(created.object["JID"] as? String))
            /// The Message events of `session` in the group so far, as (Info, conversation text).
            func messages(of session: String) -> [(info: [String: Any], text: String)] {
                events.withLock { $0.filter { $0.session == session }.map(\.json) }.compactMap { json in
                    guard let event = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
                        let info = event["Info"] as? [String: Any], info["Chat"] as? String == group.description
                    else { return nil }
                    return (info, (event["Message"] as? [String: Any])?["conversation"] as? String ?? "")
                }
            }
            let anaClient = try await Self.client(named: "ana", in: world)

            // The session → both phones, twice (the second without sender key distribution).
            for text in ["olá, grupo", "tudo bem?"] {
                _ = try await anaClient.send(Self.text(text), to: group)
            }
            for phone in [bia, caio] {
                let inbox = try await world.waitForMessages(of: phone, count: 2)
                #expect(inbox.map { ($0["Message"] as? [String: Any])?["conversation"] as? String } == ["olá, grupo", "tudo bem?"])
                #expect(inbox.allSatisfy { $0["Chat"] as? String == group.description && ($0["From"] as? String)?.hasPrefix(ana) == true })
            }

            // Bia links a session now: Ana's cached list learns of it, so Ana's next message reaches it.
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "bia", token: "tok-bia", to: bia, on: client)
            }
            let biaSession = try #require(world.gateway.gateway.sessions.all.first { $0.name == "bia" }?.id)
            let anaSession = try #require(world.gateway.gateway.sessions.all.first { $0.name == "ana" }?.id)
            let sentLater = try await anaClient.send(Self.text("bem-vinda, Bia"), to: group)
            try await world.waitUntil { messages(of: biaSession).contains { $0.text == "bem-vinda, Bia" } }
            let atBia = try #require(messages(of: biaSession).first)
            #expect(atBia.info["ID"] as? String == sentLater.id)
            #expect(atBia.info["Chat"] as? String == group.description)
            #expect(atBia.info["IsGroup"] as? Bool == true)
            #expect((atBia.info["Sender"] as? String)?.hasPrefix("\(ana):") == true)
            #expect(messages(of: biaSession).count == 1, "nothing of the group from before the link")

            // Bia's session → Ana's session and Caio's phone.
            let biaClient = try await Self.client(named: "bia", in: world)
            _ = try await biaClient.send(Self.text("obrigada!"), to: group)
            try await world.waitUntil { messages(of: anaSession).contains { $0.text == "obrigada!" } }
            let caioInbox = try await world.waitForMessages(of: caio, count: 3)
            #expect((caioInbox.last?["Message"] as? [String: Any])?["conversation"] as? String == "obrigada!")

            // Caio's phone → both sessions.
            let reply = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(caio)","To":"\#(group)","Message":{"conversation":"oi, gente"}}"#)
            #expect(reply.status == .ok, "\(reply.object)")
            try await world.waitUntil {
                [anaSession, biaSession].allSatisfy { session in messages(of: session).contains { $0.text == "oi, gente" } }
            }
            let atAna = try #require(messages(of: anaSession).first { $0.text == "oi, gente" })
            #expect(atAna.info["Chat"] as? String == group.description)
            #expect(atAna.info["Sender"] as? String == "\(caio)@s.whatsapp.net")
            #expect(atAna.info["IsFromMe"] as? Bool == false)
            await world.gateway.gateway.clients.stopAll()
        }
    }

    /// The running client of the session named `name`.
    static func client(named name: String, in world: LinkingWorld) async throws -> WhatsAppClient {
        let session = try #require(world.gateway.gateway.sessions.all.first { $0.name == name })
        return try #require(await world.gateway.gateway.clients.client(of: session))
    }

    static func text(_ text: String) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.conversation = text
        return message
    }
}
