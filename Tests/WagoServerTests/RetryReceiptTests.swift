import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WABinary
@testable import WAClient
import WASignal
import WAProto
@testable import WagoSandbox
@testable import WagoServer

/// Retry receipts answered by the gateway's client against the sandbox: a virtual phone that
/// lost its session with the session's device cannot decrypt the next message, asks for it
/// again with its keys (as its LID when the message went to its LID), and gets it re-encrypted
/// on a new session, 1:1 and in a group, also after the gateway restarted; and the other way round, a session that lost its
/// session with a phone asks the phone again.
@Suite("Retry receipts through the sandbox", .serialized)
struct RetryReceiptTests {
    static func text(_ text: String) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.conversation = text
        return message
    }

    /// Makes `phone`'s phone forget its session with the device of `client`: from then on only
    /// a new session, which the phone's retry receipt starts, lets it read that device.
    static func forgetSession(_ world: LinkingWorld, phone: String, client: WhatsAppClient) async throws {
        let device = try #require(await client.status.jid)
        #expect(try await world.sandboxServer.router.phoneHasSession(phone, with: device))
        let forgot = try await world.sandbox(
            .post, "/sandbox/phone/forget-session", #"{"Phone":"\#(phone)","DeviceJID":"\#(device)"}"#)
        #expect(forgot.status == .ok, "\(forgot.object)")
        #expect(try await !world.sandboxServer.router.phoneHasSession(phone, with: device))
    }

    @Test("a phone that forgot its session still receives the session's next texts, after a retry", .timeLimit(.minutes(5)))
    func oneToOne() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia) = ("5511999990071", "5511999990072")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            let events = Mutex<[String]>([])
            world.gateway.gateway.events.subscribe("Message") { _, _, json in events.withLock { $0.append(json) } }
            let client = try await world.linkedSessions([("ana", ana)])[0].client
            let biaJID = JID(user: bia, server: JID.userServer)

            // A conversation both ways, so both sides hold a full session.
            _ = try await client.send(Self.text("primeira"), to: biaJID)
            _ = try await world.waitForMessages(of: bia, count: 1)
            let reply = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":{"conversation":"resposta"}}"#)
            let replyID = try #require(reply.object["ID"] as? String)
            try await world.waitUntil { events.withLock { $0.contains { $0.contains(replyID) } } }

            try await Self.forgetSession(world, phone: bia, client: client)
            let lost = try await client.send(Self.text("depois do esquecimento"), to: biaJID)
            let inbox = try await world.waitForMessages(of: bia, count: 2)
            #expect(inbox.last?["ID"] as? String == lost.id)
            #expect((inbox.last?["Message"] as? [String: Any])?["conversation"] as? String == "depois do esquecimento")

            // The new session carries on.
            let next = try await client.send(Self.text("e mais uma"), to: biaJID)
            let later = try await world.waitForMessages(of: bia, count: 3)
            #expect(later.last?["ID"] as? String == next.id)
            #expect(later.map { $0["ID"] as? String }.filter { $0 == lost.id }.count == 1, "the resend arrives once")
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("a message that went to a LID is found for the LID's retry receipt, as whatsmeow looks it up", .timeLimit(.minutes(5)))
    func retryFromALID() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia) = ("5511999990075", "5511999990076")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "ana", token: "tok-ana", to: ana, on: client)
            }
            let client = try await world.session(named: "ana").client
            let biaJID = JID(user: bia, server: JID.userServer)

            // Sent to Bia's number, it goes to her LID: her phone reads it from Ana's LID device.
            _ = try await client.send(Self.text("primeira"), to: biaJID)
            let first = try await world.waitForMessages(of: bia, count: 1)
            #expect((first.last?["From"] as? String)?.hasSuffix("@lid") == true, "\(first)")

            // Bia's phone loses its session and asks as its LID: the message kept under her
            // number is found by the LID's number, and resent.
            try await Self.forgetSession(world, phone: bia, client: client)
            let lost = try await client.send(Self.text("depois"), to: biaJID)
            let inbox = try await world.waitForMessages(of: bia, count: 2)
            #expect(inbox.last?["ID"] as? String == lost.id)
            #expect((inbox.last?["Message"] as? [String: Any])?["conversation"] as? String == "depois")
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("a phone that asks after the gateway restarted gets the message sent before the restart", .timeLimit(.minutes(5)))
    func afterARestart() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia) = ("5511999990077", "5511999990078")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            let client = try await world.linkedSessions([("ana", ana)])[0].client
            let sent = try await client.send(Self.text("antes do reinício"), to: JID(user: bia, server: JID.userServer))
            let delivered = try #require(try await world.waitForMessages(of: bia, count: 1).last)
            await world.gateway.gateway.clients.stopAll()

            // A new process on the same data folder: nothing of the first client's memory.
            let restarted = try world.restartedGateway()
            await restarted.gateway.clients.resumeLinkedSessions()
            try await restarted.test(.router) { client async throws in
                _ = try await client.waitForStatus(token: "tok-ana") { $0["LoggedIn"] as? Bool == true }
            }
            let record = try #require(restarted.gateway.sessions.all.first { $0.name == "ana" })
            let resumed = try #require(await restarted.gateway.clients.client(of: record))
            #expect(resumed !== client)

            // Bia's phone lost its session and asks for the message again, as a phone coming
            // back with a broken state asks for what it could not read.
            try await Self.forgetSession(world, phone: bia, client: resumed)
            let account = try #require(await world.sandboxServer.accounts.account(phone: bia))
            let stanza = Node(
                tag: "message",
                attributes: [
                    "from": .jid(try JID(parsing: try #require(delivered["From"] as? String))), "id": .string(sent.id),
                    "t": .string(String(Int64(sent.timestamp.timeIntervalSince1970))),
                ])
            await world.sandboxServer.router.phoneRequestRetry(for: stanza, account: account, after: SignalError.noSession)
            let inbox = try await world.waitForMessages(of: bia, count: 2)
            #expect(inbox.last?["ID"] as? String == sent.id)
            #expect((inbox.last?["Message"] as? [String: Any])?["conversation"] as? String == "antes do reinício")
            await restarted.gateway.clients.stopAll()
        }
    }

    @Test("a group member's phone that forgot its session gets the group message resent 1:1 with the sender key", .timeLimit(.minutes(5)))
    func groupMember() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia, caio) = ("5511999990081", "5511999990082", "5511999990083")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia"), (caio, "Caio")])
            let client = try await world.linkedSessions([("ana", ana)])[0].client
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(ana)","Participants":["\#(bia)","\#(caio)"],"Subject":"Trio"}"#)
            #expect(created.status == .ok, "\(created.object)")
            let group = try JID(parsing: try #require(created.object["JID"] as? String))

            // Bia's phone has a session with the session's device, then loses it before the
            // group's first message: it cannot read the sender key, so not the message either.
            _ = try await client.send(Self.text("oi, Bia"), to: JID(user: bia, server: JID.userServer))
            _ = try await world.waitForMessages(of: bia, count: 1)
            try await Self.forgetSession(world, phone: bia, client: client)

            let sent = try await client.send(Self.text("olá, grupo"), to: group)
            for phone in [bia, caio] {
                let inbox = try await world.waitForMessages(of: phone, count: phone == bia ? 2 : 1)
                let message = try #require(inbox.last)
                #expect(message["ID"] as? String == sent.id, "\(phone)")
                #expect(message["Chat"] as? String == group.description, "\(phone)")
                #expect((message["Message"] as? [String: Any])?["conversation"] as? String == "olá, grupo", "\(phone)")
            }

            // Bia now holds the sender key: the next group message reaches her with it.
            _ = try await client.send(Self.text("segunda"), to: group)
            let inbox = try await world.waitForMessages(of: bia, count: 3)
            #expect((inbox.last?["Message"] as? [String: Any])?["conversation"] as? String == "segunda")
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("a session that lost its session with a phone asks again, with its keys the second time, and gets the message", .timeLimit(.minutes(5)))
    func sessionAsksThePhone() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia) = ("5511999990091", "5511999990092")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            let events = Mutex<[String]>([])
            world.gateway.gateway.events.subscribe("Message") { _, _, json in events.withLock { $0.append(json) } }
            let client = try await world.linkedSessions([("ana", ana)])[0].client
            let send = { (text: String) async throws -> String in
                let reply = try await world.sandbox(
                    .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":{"conversation":"\#(text)"}}"#)
                return try #require(reply.object["ID"] as? String)
            }
            let first = try await send("antes")
            try await world.waitUntil { events.withLock { $0.contains { $0.contains(first) } } }

            // The session forgets Bia's phone, by number and by LID: the phone's next message
            // (on its old session) cannot be read; the resend on that session neither; the second
            // retry receipt carries the session's keys and the phone starts a new session.
            let bias = try #require(await world.sandboxServer.accounts.account(phone: bia))
            for phoneDevice in [JID(user: bia, server: JID.userServer), bias.lidJID] {
                try await client.signal.removeIdentityAndSession(for: phoneDevice.signalAddress)
            }
            let lost = try await send("depois")
            try await world.waitUntil { events.withLock { $0.contains { $0.contains(lost) } } }
            #expect(events.withLock { $0.filter { $0.contains(lost) }.count } == 1)
            #expect(events.withLock { $0.contains { $0.contains(lost) && $0.contains("depois") } })

            // And the new session carries on.
            let next = try await send("de novo")
            try await world.waitUntil { events.withLock { $0.contains { $0.contains(next) } } }
            await world.gateway.gateway.clients.stopAll()
        }
    }
}
