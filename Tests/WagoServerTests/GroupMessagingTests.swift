import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WABinary
import WAClient
import WAMessaging
import WAProto
import WagoTestSupport
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
            let anaClient = try await world.session(named: "ana").client

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
            let biaClient = try await world.session(named: "bia").client
            _ = try await biaClient.send(Self.text("obrigada!"), to: group)
            try await world.waitUntil { messages(of: anaSession).contains { $0.text == "obrigada!" } }
            // Caio's phone already has the two first messages and Bia's welcome.
            let caioInbox = try await world.waitForMessages(of: caio, count: 4)
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

    @Test(
        "group changes reach the webhook as JoinedGroup and GroupInfo; a removed member gets no new message",
        .timeLimit(.minutes(5)))
    func groupChangesReachTheWebhook() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia, caio, duda) = ("5511999990081", "5511999990082", "5511999990083", "5511999990084")
            let user = { (phone: String) in "\(phone)@s.whatsapp.net" }
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia"), (caio, "Caio"), (duda, "Duda")])
            _ = try await world.linkedSessions([("ana", ana)], subscribe: ["All"], webhook: receiver.url)
            // Bia creates a group with Ana's account in it: the session joined it.
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(bia)","Participants":["\#(ana)","\#(caio)"],"Subject":"Equipe"}"#)
            let group = try JID(parsing: try #require(created.object["JID"] as? String))
            let joinedGroups = try await receiver.events(ofType: "JoinedGroup", in: world) { !$0.isEmpty }
            let joined = try #require(joinedGroups.first?["event"] as? [String: Any])
            let createdAt = try #require(joined["GroupCreated"] as? String)
            // A group by phone number names each member's LID beside it.
            var participants: [String] = []
            for (phone, admin) in [(bia, true), (ana, false), (caio, false)] {
                let lid = try #require(await world.sandboxServer.accounts.account(phone: phone)).lidJID
                participants.append(
                    #"{"JID":"\#(user(phone))","PhoneNumber":"\#(user(phone))","LID":"\#(lid)","IsAdmin":\#(admin),"IsSuperAdmin":\#(admin),"DisplayName":"","Error":0,"AddRequest":null}"#)
            }
            let joinedJSON = try #require(receiver.jsonData.first { $0.contains(#""type":"JoinedGroup""#) })
            #expect(
                joinedJSON
                    == #"{"event":{"Reason":"","Type":"new","CreateKey":"","Sender":"\#(user(bia))","SenderPN":null,"Notify":"Bia","JID":"\#(group)","OwnerJID":"\#(user(bia))","OwnerPN":"","Name":"Equipe","NameSetAt":"\#(createdAt)","NameSetBy":"\#(user(bia))","NameSetByPN":"","Topic":"","TopicID":"","TopicSetAt":"0001-01-01T00:00:00Z","TopicSetBy":"","TopicSetByPN":"","TopicDeleted":false,"IsLocked":false,"IsAnnounce":false,"AnnounceVersionID":"","IsEphemeral":false,"DisappearingTimer":0,"IsIncognito":false,"IsParent":false,"DefaultMembershipApprovalMode":"","LinkedParentJID":"","IsDefaultSubGroup":false,"IsJoinApprovalRequired":false,"AddressingMode":"","GroupCreated":"\#(createdAt)","CreatorCountryCode":"","ParticipantVersionID":"","Participants":[\#(participants.joined(separator: ","))],"ParticipantCount":0,"MemberAddMode":"","Suspended":false},"type":"JoinedGroup"}"#)
            let seconds = try #require(ISO8601DateFormatter().date(from: createdAt)).timeIntervalSinceNow
            #expect(abs(seconds) < 120)

            let anaClient = try await world.session(named: "ana").client
            _ = try await anaClient.send(Self.text("antes"), to: group)
            for phone in [bia, caio] { _ = try await world.waitForMessages(of: phone, count: 1) }

            // Bia adds Duda, removes Caio and renames the group: GroupInfo each, as whatsmeow reports them.
            let changes = [
                ("/sandbox/groups/participants", #"{"Group":"\#(group)","Action":"add","Participants":["\#(duda)"]}"#),
                ("/sandbox/groups/participants", #"{"Group":"\#(group)","Action":"remove","Participants":["\#(caio)"]}"#),
                ("/sandbox/groups/subject", #"{"Group":"\#(group)","Subject":"Equipe SP"}"#),
            ]
            for (route, body) in changes {
                let changed = try await world.sandbox(.post, route, body)
                #expect(changed.status == .ok, "\(route): \(changed.object)")
            }
            let events = try await receiver.events(ofType: "GroupInfo", in: world) { $0.count == 3 }
                .compactMap { $0["event"] as? [String: Any] }
            let infos = receiver.jsonData.filter { $0.contains(#""type":"GroupInfo""#) }
            try #require(infos.count == 3 && events.count == 3)
            /// A vector's jsonData with the group, Bia as the sender (by phone number: no SenderPN) and `event`'s values.
            func expected(_ vector: String, _ event: [String: Any], _ replacements: [(String, String)]) throws -> String {
                var text = try eventVector(vector)
                    .replacingOccurrences(of: "120363401234567890@g.us", with: group.description)
                    .replacingOccurrences(of: "Bob Lima", with: "Bia")
                    .replacingOccurrences(of: #""SenderPN":"5521912345678@s.whatsapp.net""#, with: #""SenderPN":null"#)
                    .replacingOccurrences(of: "209876543210987@lid", with: user(bia))
                for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
                return text.replacingOccurrences(of: #""Timestamp":"\#(Self.vectorTime(vector))""#, with: #""Timestamp":"\#(event["Timestamp"] as? String ?? "")""#)
            }
            let added = try expected(
                "groupinfo-participant-add", events[0],
                [
                    ("1759990000123456", ""), ("1760002700123456", events[0]["ParticipantVersionID"] as? String ?? ""),
                    ("201234567890123@lid", user(duda)),
                ])
            #expect(infos[0] == added)
            #expect((events[0]["ParticipantVersionID"] as? String)?.isEmpty == false)
            #expect(events[1]["Leave"] as? [String] == [user(caio)])
            #expect(events[1]["Join"] is NSNull)
            #expect(events[1]["PrevParticipantVersionID"] as? String == events[0]["ParticipantVersionID"] as? String)
            let renamedAt = events[2]["Timestamp"] as? String ?? ""
            let renamed = try expected(
                "groupinfo-subject", events[2],
                [
                    ("Equipe de Vendas SP", "Equipe SP"), (#""NameSetAt":"2025-10-09T09:39:20Z""#, #""NameSetAt":"\#(renamedAt)""#),
                    (#""NameSetByPN":"5521912345678@s.whatsapp.net""#, #""NameSetByPN":"""#),
                ])
            #expect(infos[2] == renamed)

            // Ana's next message reaches Bia's and Duda's phones, not Caio's.
            _ = try await anaClient.send(Self.text("depois"), to: group)
            let biaInbox = try await world.waitForMessages(of: bia, count: 2)
            let dudaInbox = try await world.waitForMessages(of: duda, count: 1)
            for inbox in [biaInbox.suffix(1), dudaInbox[...]] {
                #expect(inbox.map { ($0["Message"] as? [String: Any])?["conversation"] as? String } == ["depois"])
            }
            let caioInbox = try await world.waitForMessages(of: caio, count: 1)
            #expect(caioInbox.count == 1, "Caio was removed before it was sent")
        }
    }

    @Test(
        "admin changes reach the webhook as GroupInfo: promote, demote, description, settings, invite link",
        .timeLimit(.minutes(5)))
    func adminChangesReachTheWebhook() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia, caio) = ("5511999990111", "5511999990112", "5511999990113")
            let user = { (phone: String) in "\(phone)@s.whatsapp.net" }
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia"), (caio, "Caio")])
            _ = try await world.linkedSessions([("ana", ana)], subscribe: ["All"], webhook: receiver.url)
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(bia)","Participants":["\#(ana)","\#(caio)"],"Subject":"Equipe"}"#)
            let group = try JID(parsing: try #require(created.object["JID"] as? String))
            _ = try await receiver.events(ofType: "JoinedGroup", in: world) { !$0.isEmpty }

            // Bia, the creator, makes each change; every one is a GroupInfo of its own.
            let changes: [(route: String, body: String)] = [
                ("admins", #"{"Group":"\#(group)","Action":"promote","Participants":["\#(ana)"]}"#),
                ("description", #"{"Group":"\#(group)","Description":"Regras <do> grupo"}"#),
                ("settings", #"{"Group":"\#(group)","Announce":true,"Locked":true,"Ephemeral":"24h","JoinApproval":true}"#),
                ("link", #"{"Group":"\#(group)"}"#),
                ("admins", #"{"Group":"\#(group)","Action":"demote","Participants":["\#(ana)"]}"#),
                ("description", #"{"Group":"\#(group)","Description":""}"#),
                ("settings", #"{"Group":"\#(group)","Announce":false,"Locked":false,"Ephemeral":"off","JoinApproval":false}"#),
            ]
            var inviteLink = ""
            for (route, body) in changes {
                let changed = try await world.sandbox(.post, "/sandbox/groups/\(route)", body)
                #expect(changed.status == .ok, "\(route): \(changed.object)")
                if route == "link" { inviteLink = changed.object["InviteLink"] as? String ?? "" }
            }
            let events = try await receiver.events(ofType: "GroupInfo", in: world) { $0.count == changes.count }
                .compactMap { $0["event"] as? [String: Any] }
            let infos = receiver.jsonData.filter { $0.contains(#""type":"GroupInfo""#) }
            try #require(infos.count == changes.count && events.count == changes.count)
            #expect(inviteLink.hasPrefix("https://chat.whatsapp.com/") && inviteLink.count == 48)

            /// The subject vector's jsonData without its Name, for this group, sent by Bia at
            /// `event`'s time, with `fields` (whatsmeow names, JSON values) set.
            func expected(_ event: [String: Any], _ fields: [(String, String)]) throws -> String {
                var text = try eventVector("groupinfo-subject")
                    .replacingOccurrences(
                        of: #""Name":{"Name":"Equipe de Vendas SP","NameSetAt":"2025-10-09T09:39:20Z","NameSetBy":"209876543210987@lid","NameSetByPN":"5521912345678@s.whatsapp.net"}"#,
                        with: #""Name":null"#)
                    .replacingOccurrences(of: "120363401234567890@g.us", with: group.description)
                    .replacingOccurrences(of: "Bob Lima", with: "Bia")
                    .replacingOccurrences(of: #""SenderPN":"5521912345678@s.whatsapp.net""#, with: #""SenderPN":null"#)
                    .replacingOccurrences(of: "209876543210987@lid", with: user(bia))
                    .replacingOccurrences(
                        of: #""Timestamp":"2025-10-09T09:39:20Z""#, with: #""Timestamp":"\#(event["Timestamp"] as? String ?? "")""#)
                for (field, value) in fields {
                    let null = #""\#(field)":null"#
                    #expect(text.contains(null), "\(field)")
                    text = text.replacingOccurrences(of: null, with: #""\#(field)":\#(value)"#)
                }
                return text
            }
            let time = { (index: Int) in events[index]["Timestamp"] as? String ?? "" }
            let topicID = { (index: Int) in (events[index]["Topic"] as? [String: Any])?["TopicID"] as? String ?? "" }
            let announceVersion = { (index: Int) in (events[index]["Announce"] as? [String: Any])?["AnnounceVersionID"] as? String ?? "" }
            #expect(Int64(announceVersion(2)) != nil && Int64(announceVersion(6)) != nil)
            // Every description change has an id of its own, as whatsmeow's SetGroupTopic makes them; a deletion too.
            #expect(!topicID(1).isEmpty && !topicID(5).isEmpty && topicID(1) != topicID(5))
            let expectations: [[(String, String)]] = [
                [("Promote", #"["\#(user(ana))"]"#)],
                [("Topic", #"{"Topic":"Regras \u003cdo\u003e grupo","TopicID":"\#(topicID(1))","TopicSetAt":"\#(time(1))","TopicSetBy":"\#(user(bia))","TopicSetByPN":"","TopicDeleted":false}"#)],
                [
                    ("Locked", #"{"IsLocked":true}"#),
                    ("Announce", #"{"IsAnnounce":true,"AnnounceVersionID":"\#(announceVersion(2))"}"#),
                    ("Ephemeral", #"{"IsEphemeral":true,"DisappearingTimer":86400}"#),
                    ("MembershipApprovalMode", #"{"IsJoinApprovalRequired":true}"#),
                ],
                [("NewInviteLink", #""\#(inviteLink)""#)],
                [("Demote", #"["\#(user(ana))"]"#)],
                [("Topic", #"{"Topic":"","TopicID":"\#(topicID(5))","TopicSetAt":"\#(time(5))","TopicSetBy":"\#(user(bia))","TopicSetByPN":"","TopicDeleted":true}"#)],
                [
                    ("Locked", #"{"IsLocked":false}"#),
                    ("Announce", #"{"IsAnnounce":false,"AnnounceVersionID":"\#(announceVersion(6))"}"#),
                    ("Ephemeral", #"{"IsEphemeral":false,"DisappearingTimer":0}"#),
                    ("MembershipApprovalMode", #"{"IsJoinApprovalRequired":false}"#),
                ],
            ]
            for (index, fields) in expectations.enumerated() {
                #expect(infos[index] == (try expected(events[index], fields)), "change \(index): \(changes[index].route)")
            }
        }
    }

    @Test(
        "a LID-addressed group's changes reach the webhook named by LID with phone numbers, as the vectors",
        .timeLimit(.minutes(5)))
    func lidGroupChangesReachTheWebhook() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia, caio, duda) = ("5511999990121", "5511999990122", "5511999990123", "5511999990124")
            var found: [String: String] = [:]
            for (phone, name) in [(ana, "Ana"), (bia, "Bia"), (caio, "Caio"), (duda, "Duda")] {
                let lidUser = try await LIDMessagingTests.createAccount(phone, name, in: world)
                found[phone] = lidUser + "@lid"
            }
            let lids = found
            let lid = { (phone: String) in lids[phone] ?? "" }
            let user = { (phone: String) in "\(phone)@s.whatsapp.net" }
            _ = try await world.linkedSessions([("ana", ana)], subscribe: ["All"], webhook: receiver.url)
            let created = try await world.sandbox(
                .post, "/sandbox/groups",
                #"{"Creator":"\#(bia)","Participants":["\#(ana)","\#(caio)"],"Subject":"Equipe","AddressingMode":"lid"}"#)
            let group = try JID(parsing: try #require(created.object["JID"] as? String))

            // JoinedGroup: Bia's LID as sender and owner, her number as SenderPN, members by LID.
            let joinedGroups = try await receiver.events(ofType: "JoinedGroup", in: world) { !$0.isEmpty }
            let joined = try #require(joinedGroups.first?["event"] as? [String: Any])
            #expect(joined["Sender"] as? String == lid(bia))
            #expect(joined["SenderPN"] as? String == user(bia))
            #expect(joined["OwnerJID"] as? String == lid(bia))
            #expect(joined["NameSetBy"] as? String == lid(bia))
            let members = try #require(joined["Participants"] as? [[String: Any]])
            #expect(members.map { $0["JID"] as? String } == [bia, ana, caio].map(lid))
            #expect(joined["AddressingMode"] as? String == "lid")
            #expect(members.map { $0["PhoneNumber"] as? String } == [bia, ana, caio].map(user))

            // Bia adds Duda, promotes Ana, renames the group; Caio leaves.
            let changes = [
                ("/sandbox/groups/participants", #"{"Group":"\#(group)","Action":"add","Participants":["\#(duda)"]}"#),
                ("/sandbox/groups/admins", #"{"Group":"\#(group)","Action":"promote","Participants":["\#(ana)"]}"#),
                ("/sandbox/groups/subject", #"{"Group":"\#(group)","Subject":"Equipe SP"}"#),
                ("/sandbox/groups/participants", #"{"Group":"\#(group)","Action":"leave","Participants":["\#(caio)"]}"#),
            ]
            for (route, body) in changes {
                let changed = try await world.sandbox(.post, route, body)
                #expect(changed.status == .ok, "\(route): \(changed.object)")
            }
            let events = try await receiver.events(ofType: "GroupInfo", in: world) { $0.count == changes.count }
                .compactMap { $0["event"] as? [String: Any] }
            let infos = receiver.jsonData.filter { $0.contains(#""type":"GroupInfo""#) }
            try #require(infos.count == changes.count && events.count == changes.count)
            /// A vector's jsonData for this group, Bia (by LID, her number as SenderPN) the
            /// author, at `event`'s time, with `replacements` made.
            func expected(_ vector: String, _ event: [String: Any], _ replacements: [(String, String)]) throws -> String {
                var text = try eventVector(vector)
                    .replacingOccurrences(of: "120363401234567890@g.us", with: group.description)
                    .replacingOccurrences(of: "Bob Lima", with: "Bia")
                    .replacingOccurrences(of: "5521912345678@s.whatsapp.net", with: user(bia))
                    .replacingOccurrences(of: "209876543210987@lid", with: lid(bia))
                    .replacingOccurrences(of: Self.vectorTime(vector), with: event["Timestamp"] as? String ?? "")
                for (old, new) in replacements { text = text.replacingOccurrences(of: old, with: new) }
                return text
            }
            #expect(
                infos[0]
                    == (try expected(
                        "groupinfo-participant-add", events[0],
                        [
                            ("1759990000123456", ""), ("1760002700123456", events[0]["ParticipantVersionID"] as? String ?? ""),
                            ("201234567890123@lid", lid(duda)),
                        ])))
            #expect(events[1]["Promote"] as? [String] == [lid(ana)])
            #expect(events[1]["Sender"] as? String == lid(bia) && events[1]["SenderPN"] as? String == user(bia))
            #expect(infos[2] == (try expected("groupinfo-subject", events[2], [("Equipe de Vendas SP", "Equipe SP")])))
            // A leave: Caio removes himself, named by his LID with his number.
            #expect(events[3]["Leave"] as? [String] == [lid(caio)])
            #expect(events[3]["Sender"] as? String == lid(caio) && events[3]["SenderPN"] as? String == user(caio))
            #expect(events[3]["Notify"] as? String == "Caio")
        }
    }

    @Test(
        "in an announcement group only admins send: a session's REST send fails naming WhatsApp's refusal, a phone's is refused",
        .timeLimit(.minutes(5)))
    func announcementGroupRefusesNonAdmins() async throws {
        try await LinkingWorld.run(plugins: [try MessagingTests.messagingPluginPath()]) { world in
            let (ana, bia, caio) = ("5511999990131", "5511999990132", "5511999990133")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia"), (caio, "Caio")])
            _ = try await world.linkedSessions([("ana", ana)])
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(bia)","Participants":["\#(ana)","\#(caio)"],"Subject":"Avisos"}"#)
            let group = try JID(parsing: try #require(created.object["JID"] as? String))
            let announced = try await world.sandbox(
                .post, "/sandbox/groups/settings", #"{"Group":"\#(group)","Announce":true}"#)
            #expect(announced.status == .ok, "\(announced.object)")

            try await world.gateway.test(.router) { client async throws in
                // Ana's session, no admin: the server's ack refuses it, and the REST answer says so.
                let refused = try await client.call(
                    .post, "/send/text", token: "tok-ana", json: #"{"Phone":"\#(group)","Body":"posso falar?"}"#)
                #expect(refused.status.code >= 500, "\(refused.object)")
                #expect(refused.error?.contains("WhatsApp refused the request: 403") == true, "\(refused.object)")
                // Caio's phone, no admin either: 403 naming the rule.
                let phoneRefused = try await world.sandbox(
                    .post, "/sandbox/send", #"{"From":"\#(caio)","To":"\#(group)","Message":{"conversation":"e eu?"}}"#)
                #expect(phoneRefused.status == .forbidden, "\(phoneRefused.object)")
                #expect((phoneRefused.object["error"] as? String)?.contains("announcement") == true, "\(phoneRefused.object)")

                // Bia promotes Ana: her next send goes through, and is all the phones get.
                let promoted = try await world.sandbox(
                    .post, "/sandbox/groups/admins", #"{"Group":"\#(group)","Action":"promote","Participants":["\#(ana)"]}"#)
                #expect(promoted.status == .ok, "\(promoted.object)")
                let sent = try await client.call(
                    .post, "/send/text", token: "tok-ana", json: #"{"Phone":"\#(group)","Body":"agora sim"}"#)
                #expect(sent.status == .ok, "\(sent.object)")
            }
            for phone in [bia, caio] {
                let inbox = try await world.waitForMessages(of: phone, count: 1)
                #expect(inbox.map { ($0["Message"] as? [String: Any])?["conversation"] as? String } == ["agora sim"])
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("community link and unlink changes read as whatsmeow's GroupLinkChange")
    func groupLinkChanges() throws {
        let group = JID(user: "120363401234567890", server: JID.groupServer)
        let sender = JID(user: "5521912345678", server: JID.userServer)
        let node = Node(
            tag: "notification",
            attributes: ["from": .jid(group), "id": "2195723460", "t": "1760002760", "type": "w:gp2", "participant": .jid(sender)],
            content: .nodes([
                Node(
                    tag: "link", attributes: ["link_type": "parent_group"],
                    content: .nodes([
                        Node(
                            tag: "group",
                            attributes: ["jid": .jid(JID(user: "120363400000000001", server: JID.groupServer)), "subject": "Comunidade", "s_t": "1760002760"])
                    ])),
                Node(
                    tag: "unlink", attributes: ["unlink_type": "sub_group", "unlink_reason": "unlink_group"],
                    content: .nodes([Node(tag: "group", attributes: ["id": "120363400000000002"], content: .nodes([Node(tag: "default_sub_group")]))])),
            ]))
        let notification = try #require(try GroupNotification(node))
        let payload = try #require(try SessionEvent.payload(.groupChange(notification)))
        let json = String(decoding: payload.json, as: UTF8.self)
        #expect(json.contains(#""Link":{"Type":"parent_group","UnlinkReason":"","Group":{"JID":"120363400000000001@g.us","Name":"Comunidade","NameSetAt":"2025-10-09T09:39:20Z","NameSetBy":"","NameSetByPN":"","IsDefaultSubGroup":false}}"#), "\(json)")
        #expect(json.contains(#""Unlink":{"Type":"sub_group","UnlinkReason":"unlink_group","Group":{"JID":"120363400000000002@g.us","Name":"","NameSetAt":"0001-01-01T00:00:00Z","NameSetBy":"","NameSetByPN":"","IsDefaultSubGroup":true}}"#), "\(json)")
        #expect(json.contains(#""UnknownChanges":null"#))
        // Without its <group> or type, whatsmeow refuses the notification; so do we.
        for broken in [Node(tag: "link", attributes: ["link_type": "sub_group"]), Node(tag: "unlink", content: .nodes([Node(tag: "group", attributes: ["id": "1"])]))] {
            var stanza = node
            stanza.content = .nodes([broken])
            #expect(throws: MessagingError.self) { try GroupNotification(stanza) }
        }
    }

    @Test("the vectors' w:gp2 stanzas read as whatsmeow reports them", arguments: ["groupinfo-participant-add", "groupinfo-subject"])
    func groupNotificationVectors(id: String) throws {
        let cases = try #require(try SharedData.json("vectors/events.json")["cases"] as? [[String: Any]])
        let vector = try #require(cases.first { $0["id"] as? String == id })
        let stanza = try #require((vector["input"] as? [String: Any])?["stanza"])
        let node = try Node(json: try JSONSerialization.data(withJSONObject: Self.plainNodeJSON(stanza)))
        let notification = try #require(try GroupNotification(node))
        let payload = try #require(try SessionEvent.payload(.groupChange(notification)))
        #expect(String(decoding: payload.json, as: UTF8.self) == vector["json_data"] as? String)
        // The sandbox writes what it reads.
        #expect(try GroupNotification(notification.node) == notification)
    }

    @Test("a <create>'s creator_pn is JoinedGroup's OwnerPN, as whatsmeow's parseGroupNode reads it")
    func joinedGroupOwnerPN() throws {
        let owner = JID(user: "201234567890123", server: JID.lidServer)
        let ownerPN = JID(user: "5511987654321", server: JID.userServer)
        let metadata = GroupMetadata(
            jid: JID(user: "120363000000000008", server: JID.groupServer), subject: "LID", creator: owner, creatorPN: ownerPN,
            participants: [owner], addressingMode: "lid", participantAlternatives: [owner: ownerPN])
        let sent = GroupNotification(
            group: metadata.jid, id: "1", sender: owner, senderPN: ownerPN, timestamp: 1_760_000_000,
            changes: [.created(GroupNotification.Creation(type: "new", group: metadata))])
        let notification = try #require(try GroupNotification(sent.node))
        guard case .joinedGroup(let joined) = try SessionEvent.groupEvent(notification) else {
            Issue.record("a <create> is no JoinedGroup")
            return
        }
        #expect(joined.group.ownerJID == owner)
        #expect(joined.group.ownerPN == ownerPN)
    }

    /// A vector's node JSON without its `attr_types` and `jids` annotations: the form `Node(json:)` reads.
    static func plainNodeJSON(_ object: Any) -> Any {
        guard var node = object as? [String: Any] else { return object }
        node["attr_types"] = nil
        node["jids"] = nil
        if let children = node["content"] as? [Any] { node["content"] = children.map(plainNodeJSON) }
        return node
    }

    /// The time an events.json vector's event happened, as posted.
    static func vectorTime(_ vector: String) -> String {
        vector == "groupinfo-subject" ? "2025-10-09T09:39:20Z" : "2025-10-09T09:38:20Z"
    }

    /// The running client of the session named `name`.
    static func text(_ text: String) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.conversation = text
        return message
    }
}
