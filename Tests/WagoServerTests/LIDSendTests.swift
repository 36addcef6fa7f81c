import Testing
import WABinary
@testable import WAClient
import WagoStore
@testable import WagoServer

/// LIDs on the client's send path and in group notifications, end to end against the sandbox
/// (whatsmeow's `encryptMessageForDevices`, `parseGroupNotification`): a device addressed by
/// phone number whose LID the session knows is written to on the LID's Signal session, and
/// the pairs a group's notifications show are stored.
@Suite("LID on the send path through the sandbox", .serialized)
struct LIDSendTests {
    @Test(
        "in a phone-number group, a member whose LID the session knows gets our sender key on the LID's session",
        .timeLimit(.minutes(5)))
    func senderKeyOnLIDSession() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990141", "5511999990142")
            let anaLID = try await LIDMessagingTests.createAccount(ana, "Ana", in: world)
            let biaLID = try await LIDMessagingTests.createAccount(bia, "Bia", in: world)
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(ana)","Participants":["\#(bia)"],"Subject":"Por número"}"#)
            #expect(created.status == .ok, "\(created.object)")
            let group = try JID(parsing: try #require(created.object["JID"] as? String))
            let (session, whatsApp) = try await LIDMessagingTests.linkAna(ana, in: world, webhook: receiver.url)
            let ownDevice = try #require(await whatsApp.status.jid?.device)
            let database = try LIDMessagingTests.database(of: world)
            func sessions(with names: [String]) async throws -> [String] {
                try await LIDMessagingTests.signalState(with: names, in: database, device: session.id).sessions
            }

            // Bia writes by number before the session knows her LID: a session by phone number.
            _ = try await LIDMessagingTests.phoneSends(
                "oi, Ana", from: bia, to: "\(ana)@s.whatsapp.net", in: world, receiver: receiver)
            #expect(try await sessions(with: [bia, "\(biaLID)_1"]) == ["\(bia):0"])
            // The session learns her LID (usync), which moves no session by itself.
            let biaNumber = JID(user: bia, server: JID.userServer)
            #expect(try await whatsApp.lid(of: biaNumber) == JID(user: biaLID, server: JID.lidServer))
            #expect(try await sessions(with: [bia, "\(biaLID)_1"]) == ["\(bia):0"])

            // The group's members are phone numbers: our sender key goes to Bia's phone on
            // the ratchet moved to her LID, and to our own phone on our LID's session.
            let sent = try await whatsApp.send(GroupMessagingTests.text("oi, grupo"), to: group)
            let inbox = try await world.waitForMessages(of: bia, count: 1)
            let received = try #require(inbox.first { $0["ID"] as? String == sent.id })
            #expect(received["Chat"] as? String == group.description)
            #expect(received["From"] as? String == "\(ana):\(ownDevice)@s.whatsapp.net")
            #expect((received["Message"] as? [String: Any])?["conversation"] as? String == "oi, grupo")
            #expect(try await sessions(with: [bia, "\(biaLID)_1"]) == ["\(biaLID)_1:0"])
            #expect(try await sessions(with: [ana, "\(anaLID)_1"]) == ["\(anaLID)_1:0"])
            var own: [String: Any]?
            try await world.waitUntil {
                own = try await world.waitForMessages(of: ana, count: 1).first { $0["ID"] as? String == sent.id }
                return own != nil
            }
            #expect((own?["Message"] as? [String: Any])?["conversation"] as? String == "oi, grupo")

            // The next message uses the key the phones hold.
            let next = try await whatsApp.send(GroupMessagingTests.text("de novo"), to: group)
            let later = try await world.waitForMessages(of: bia, count: 2)
            #expect(later.contains { $0["ID"] as? String == next.id })
        }
    }

    @Test(
        "a send to a number without a known LID reaches our own phone on our LID's session, the number on its own",
        .timeLimit(.minutes(5)))
    func ownDevicesOnOwnLIDSession() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, eva) = ("5511999990151", "5511999990152")
            let anaLID = try await LIDMessagingTests.createAccount(ana, "Ana", in: world)
            let (session, whatsApp) = try await LIDMessagingTests.linkAna(ana, in: world, webhook: receiver.url)
            let ownDevice = try #require(await whatsApp.status.jid?.device)
            let database = try LIDMessagingTests.database(of: world)
            func sessions(with names: [String]) async throws -> [String] {
                try await LIDMessagingTests.signalState(with: names, in: database, device: session.id).sessions
            }
            // Eva's number has no account yet, so no LID (believed for an hour); then it gets one.
            let evaNumber = JID(user: eva, server: JID.userServer)
            #expect(try await whatsApp.lid(of: evaNumber) == nil)
            let evaLID = try await LIDMessagingTests.createAccount(eva, "Eva", in: world)

            let sent = try await whatsApp.send(GroupMessagingTests.text("oi, Eva"), to: evaNumber)
            let inbox = try await world.waitForMessages(of: eva, count: 1)
            #expect(inbox.first?["ID"] as? String == sent.id)
            #expect(inbox.first?["From"] as? String == "\(ana):\(ownDevice)@s.whatsapp.net")
            var own: [String: Any]?
            try await world.waitUntil {
                own = try await world.waitForMessages(of: ana, count: 1).first { $0["ID"] as? String == sent.id }
                return own != nil
            }
            #expect(own?["Chat"] as? String == "\(eva)@s.whatsapp.net")
            #expect(try await sessions(with: [ana, "\(anaLID)_1"]) == ["\(anaLID)_1:0"])
            #expect(try await sessions(with: [eva, "\(evaLID)_1"]) == ["\(eva):0"])
        }
    }

    @Test(
        "a LID group's <create> and member changes pair its members' numbers and LIDs in the session's store",
        .timeLimit(.minutes(5)))
    func pairsFromGroupNotifications() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia, caio) = ("5511999990161", "5511999990162", "5511999990163")
            _ = try await LIDMessagingTests.createAccount(ana, "Ana", in: world)
            let biaLID = try await LIDMessagingTests.createAccount(bia, "Bia", in: world)
            let caioLID = try await LIDMessagingTests.createAccount(caio, "Caio", in: world)
            let session = try #require(try await world.linkedSessions([("ana", ana)]).first).record
            let database = try LIDMessagingTests.database(of: world)
            // A store of its own for each read: a store remembers the numbers it found with no
            // mapping, and the pairs are learned by the client's store.
            var lids: LIDStore { LIDStore(database: database, device: session.id) }
            #expect(try await lids.lid(forPhone: bia) == nil)

            // Ana's phone creates the group: the session's <create> names Bia by LID with her number.
            let created = try await world.sandbox(
                .post, "/sandbox/groups",
                #"{"Creator":"\#(ana)","Participants":["\#(bia)"],"Subject":"LID","AddressingMode":"lid"}"#)
            #expect(created.status == .ok, "\(created.object)")
            let group = try #require(created.object["JID"] as? String)
            try await world.waitUntil { try await lids.lid(forPhone: bia) != nil }
            #expect(try await lids.lid(forPhone: bia) == biaLID)
            #expect(try await lids.lid(forPhone: caio) == nil)

            // Caio is added: <add><participant jid=<lid> phone_number=<pn>/>.
            let added = try await world.sandbox(
                .post, "/sandbox/groups/participants", #"{"Group":"\#(group)","Action":"add","Participants":["\#(caio)"]}"#)
            #expect(added.status == .ok, "\(added.object)")
            try await world.waitUntil { try await lids.lid(forPhone: caio) != nil }
            #expect(try await lids.lid(forPhone: caio) == caioLID)
            #expect(try await lids.phone(forLID: caioLID) == caio)
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test(
        "a phone-number group's <create> names each member's LID beside its number, and the session stores the pairs",
        .timeLimit(.minutes(5)))
    func pairsFromAPhoneNumberGroup() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia) = ("5511999990164", "5511999990165")
            _ = try await LIDMessagingTests.createAccount(ana, "Ana", in: world)
            let biaLID = try await LIDMessagingTests.createAccount(bia, "Bia", in: world)
            let session = try #require(try await world.linkedSessions([("ana", ana)]).first).record
            let database = try LIDMessagingTests.database(of: world)
            // A store of its own for each read: a store remembers the numbers it found with no
            // mapping, and the pairs are learned by the client's store.
            var lids: LIDStore { LIDStore(database: database, device: session.id) }
            #expect(try await lids.lid(forPhone: bia) == nil)

            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(ana)","Participants":["\#(bia)"],"Subject":"PN"}"#)
            #expect(created.status == .ok, "\(created.object)")
            try await world.waitUntil { try await lids.lid(forPhone: bia) != nil }
            #expect(try await lids.lid(forPhone: bia) == biaLID)
            await world.gateway.gateway.clients.stopAll()
        }
    }
}
