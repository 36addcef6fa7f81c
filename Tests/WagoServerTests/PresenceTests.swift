import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WABinary
import WAClient
@testable import WagoSandbox
@testable import WagoServer

/// Presence both ways through the sandbox: a contact's availability (once subscribed) and its
/// chat states reach the session's webhook in WaGo's exact shapes, and the session's chat
/// states (the messaging plugin's routes) reach the contact's virtual phone.
@Suite("Presence and chat presence through the sandbox", .serialized)
struct PresenceTests {
    @Test("a contact's presence and chat states reach the webhook as WaGo posts them", .timeLimit(.minutes(5)))
    func contactPresenceReachesTheWebhook() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990041", "5511999990042")
            let biaJID = "\(bia)@s.whatsapp.net"
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(
                    named: "ana", token: "tok-ana", to: ana, on: client, subscribe: ["Presence", "ChatPresence"],
                    webhook: receiver.url)
            }
            let session = try #require(world.gateway.gateway.sessions.all.first)
            let whatsApp = try #require(await world.gateway.gateway.clients.client(of: session))

            // Bia is online before Ana subscribes: the subscription answers with it.
            let online = try await world.sandbox(.post, "/sandbox/presence", #"{"From":"\#(bia)","State":"available"}"#)
            #expect(online.status == .ok, "\(online.object)")
            try await whatsApp.subscribePresence(to: JID(user: bia, server: JID.userServer))
            try await world.waitUntil { receiver.jsonData.count == 1 }
            // Then every change reaches the subscriber.
            _ = try await world.sandbox(.post, "/sandbox/presence", #"{"From":"\#(bia)","State":"unavailable"}"#)
            for (state, media) in [("composing", "audio"), ("paused", "")] {
                let sent = try await world.sandbox(
                    .post, "/sandbox/chatpresence",
                    #"{"From":"\#(bia)","To":"\#(ana)","State":"\#(state)","Media":"\#(media)"}"#)
                #expect(sent.status == .ok, "\(sent.object)")
            }
            try await world.waitUntil { receiver.jsonData.count == 4 }

            let posted = receiver.jsonData
            try #require(posted.count == 4)
            #expect(posted[0] == (try eventVector("presence-online")).replacingOccurrences(of: "5511987654321@s.whatsapp.net", with: biaJID))
            // LastSeen is the sandbox's clock: recent, written as Go writes a time.
            let offline = try #require(receiver.events(ofType: "Presence").last?["event"] as? [String: Any])
            let lastSeen = try #require(offline["LastSeen"] as? String)
            let seenAt = try #require(ISO8601DateFormatter().date(from: lastSeen), "LastSeen \(lastSeen) is RFC 3339")
            #expect(abs(seenAt.timeIntervalSinceNow) < 120)
            #expect(
                posted[1]
                    == (try eventVector("presence-offline-last-seen"))
                    .replacingOccurrences(of: "5511987654321@s.whatsapp.net", with: biaJID)
                    .replacingOccurrences(of: "2025-10-09T09:19:20Z", with: lastSeen))
            #expect(posted[2] == (try eventVector("chatpresence-recording")).replacingOccurrences(of: "201234567890123@lid", with: biaJID))
            #expect(
                posted[3]
                    == (try eventVector("chatpresence-composing"))
                    .replacingOccurrences(of: "5511987654321@s.whatsapp.net", with: biaJID)
                    .replacingOccurrences(of: #""State":"composing""#, with: #""State":"paused""#))
        }
    }

    @Test("a session's presence reaches another session that subscribed to it", .timeLimit(.minutes(5)))
    func sessionPresenceReachesASubscriber() async throws {
        try await LinkingWorld.run { world in
            let (caio, dora) = ("5511999990061", "5511999990062")
            try await world.createAccounts([(caio, "Caio"), (dora, "Dora")])
            let presences = Mutex<[(session: String, json: String)]>([])
            world.gateway.gateway.events.subscribe("Presence") { session, _, json in
                presences.withLock { $0.append((session, json)) }
            }
            let linked = try await world.linkedSessions([("caio", caio), ("dora", dora)])
            let ((_, caioClient), (doraSession, doraClient)) = (linked[0], linked[1])

            // Caio goes online, then Dora subscribes and is told; then Caio goes offline.
            try await caioClient.sendPresence(available: true, name: "Caio")
            try await world.waitUntil { await world.sandboxServer.presence.isAvailable(phone: caio) }
            try await doraClient.subscribePresence(to: JID(user: caio, server: JID.userServer))
            try await world.waitUntil { presences.withLock { $0.count == 1 } }
            try await caioClient.sendPresence(available: false, name: "Caio")
            try await world.waitUntil { presences.withLock { $0.count == 2 } }

            let seen = presences.withLock { $0 }
            #expect(seen.allSatisfy { $0.session == doraSession.id }, "only the subscriber is told")
            #expect(seen.first?.json == #"{"From":"\#(caio)@s.whatsapp.net","Unavailable":false,"LastSeen":"0001-01-01T00:00:00Z"}"#)
            #expect(seen.last?.json.hasPrefix(#"{"From":"\#(caio)@s.whatsapp.net","Unavailable":true,"LastSeen":"20"#) == true)
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("chat states in a group go both ways; a session that disconnects goes unavailable", .timeLimit(.minutes(5)))
    func groupChatStatesAndDisconnects() async throws {
        try await LinkingWorld.run { world in
            let (eli, fabi, gabi) = ("5511999990091", "5511999990092", "5511999990093")
            try await world.createAccounts([(eli, "Eli"), (fabi, "Fabi"), (gabi, "Gabi")])
            let events = Mutex<[(session: String, type: String, json: String)]>([])
            for type in ["Presence", "ChatPresence"] {
                world.gateway.gateway.events.subscribe(type) { session, _, json in
                    events.withLock { $0.append((session, type, json)) }
                }
            }
            /// The events of `type` that `session` got, parsed.
            func seen(_ type: String, by session: String) -> [[String: Any]] {
                events.withLock { $0.filter { $0.session == session && $0.type == type } }.compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.json.utf8))) as? [String: Any]
                }
            }
            let linked = try await world.linkedSessions([("eli", eli), ("fabi", fabi)])
            let ((eliSession, eliClient), (fabiSession, fabiClient)) = (linked[0], linked[1])
            let created = try await world.sandbox(
                .post, "/sandbox/groups", #"{"Creator":"\#(gabi)","Participants":["\#(eli)","\#(fabi)"],"Subject":"Trio"}"#)
            let group = try #require(created.object["JID"] as? String)

            // Gabi's phone types in the group: both sessions see it, as a group's chat presence.
            let typed = try await world.sandbox(
                .post, "/sandbox/chatpresence", #"{"From":"\#(gabi)","To":"\#(group)","State":"composing"}"#)
            #expect(typed.status == .ok, "\(typed.object)")
            try await world.waitUntil { [eliSession, fabiSession].allSatisfy { !seen("ChatPresence", by: $0.id).isEmpty } }
            for session in [eliSession, fabiSession] {
                let state = try #require(seen("ChatPresence", by: session.id).first)
                #expect(state["Chat"] as? String == group)
                #expect(state["Sender"] as? String == "\(gabi)@s.whatsapp.net")
                #expect(state["IsGroup"] as? Bool == true)
                #expect(state["State"] as? String == "composing")
            }
            // Eli's session pauses in the group: Fabi's session and Gabi's phone see it, Eli's own does not.
            try await eliClient.sendNode(
                Node(tag: "chatstate", attributes: ["to": .jid(try JID(parsing: group))], content: .nodes([Node(tag: "paused")])))
            try await world.waitUntil { seen("ChatPresence", by: fabiSession.id).count == 2 }
            let paused = try #require(seen("ChatPresence", by: fabiSession.id).last)
            #expect(paused["Sender"] as? String == "\(eli)@s.whatsapp.net")
            #expect(paused["State"] as? String == "paused")
            var atGabi: [[String: Any]] = []
            try await world.waitUntil {
                atGabi = try await world.sandbox(.get, "/sandbox/presences?Phone=\(gabi)", nil).object["Presences"]
                    as? [[String: Any]] ?? []
                return !atGabi.isEmpty
            }
            #expect(atGabi.first?["From"] as? String == group)
            #expect(atGabi.first?["Participant"] as? String == "\(eli)@s.whatsapp.net")
            #expect(seen("ChatPresence", by: eliSession.id).count == 1)

            // Eli goes online and Fabi subscribes; then Eli's session disconnects without a word.
            try await eliClient.sendPresence(available: true, name: "Eli")
            try await world.waitUntil { await world.sandboxServer.presence.isAvailable(phone: eli) }
            try await fabiClient.subscribePresence(to: JID(user: eli, server: JID.userServer))
            try await world.waitUntil { seen("Presence", by: fabiSession.id).count == 1 }
            #expect(await world.gateway.gateway.clients.stop(eliSession))
            try await world.waitUntil { seen("Presence", by: fabiSession.id).count == 2 }
            let offline = try #require(seen("Presence", by: fabiSession.id).last)
            #expect(offline["From"] as? String == "\(eli)@s.whatsapp.net")
            #expect(offline["Unavailable"] as? Bool == true)
            let lastSeen = try #require((offline["LastSeen"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(abs(lastSeen.timeIntervalSinceNow) < 120)
            #expect(await world.sandboxServer.presence.isAvailable(phone: eli) == false)
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("the messaging plugin's chat presence reaches the contact's phone", .timeLimit(.minutes(10)))
    func pluginChatPresenceReachesThePhone() async throws {
        try await LinkingWorld.run(plugins: [try MessagingTests.messagingPluginPath()]) { world in
            let (eva, davi) = ("5511999990051", "5511999990052")
            try await world.createAccounts([(eva, "Eva"), (davi, "Davi")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "eva", token: "tok-eva", to: eva, on: client)
                let recording = try await client.call(
                    .post, "/message/presence", token: "tok-eva",
                    json: #"{"Phone":"\#(davi)","State":"composing","Media":"audio"}"#)
                #expect(recording.status == .ok, "\(recording.object)")
                for route in ["/chat/typing/start", "/chat/typing/stop"] {
                    let typing = try await client.call(.post, route, token: "tok-eva", json: #"{"Jid":"\#(davi)"}"#)
                    #expect(typing.status == .ok, "\(route): \(typing.object)")
                }
            }
            var seen: [[String: Any]] = []
            try await world.waitUntil {
                seen = try await world.sandbox(.get, "/sandbox/presences?Phone=\(davi)", nil).object["Presences"]
                    as? [[String: Any]] ?? []
                return seen.count >= 3
            }
            let states = seen.map { "\($0["Kind"] ?? "") \($0["From"] ?? "") \($0["State"] ?? "") \($0["Media"] ?? "")" }
            let from = "\(eva)@s.whatsapp.net"
            #expect(states == ["chatstate \(from) composing audio", "chatstate \(from) composing ", "chatstate \(from) paused "])
            let unknown = try await world.sandbox(.get, "/sandbox/presences?Phone=5511000000000", nil)
            #expect(unknown.status == .notFound)
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("the sandbox's presence routes check their fields")
    func presenceRoutesCheckFields() async throws {
        try await LinkingWorld.run { world in
            let (gil, hana) = ("5511999990071", "5511999990072")
            try await world.createAccounts([(gil, "Gil"), (hana, "Hana")])
            let refusals = [
                ("/sandbox/presence", #"{"From":"\#(gil)","State":"dancing"}"#, 400),
                ("/sandbox/presence", #"{"From":"5511000000000","State":"available"}"#, 404),
                ("/sandbox/chatpresence", #"{"From":"\#(gil)","To":"\#(hana)","State":"typing"}"#, 400),
                ("/sandbox/chatpresence", #"{"From":"\#(gil)","To":"\#(hana)","State":"paused","Media":"audio"}"#, 400),
                ("/sandbox/chatpresence", #"{"From":"\#(gil)","To":"\#(gil)","State":"paused"}"#, 400),
                ("/sandbox/chatpresence", #"{"From":"\#(gil)","To":"5511000000000","State":"paused"}"#, 404),
                ("/sandbox/chatpresence", #"{"From":"\#(gil)","To":"not a jid","State":"paused"}"#, 400),
            ]
            for (route, body, status) in refusals {
                let answer = try await world.sandbox(.post, route, body)
                #expect(answer.status.code == status, "\(route) \(body): \(answer.object)")
                #expect(answer.object["error"] is String)
            }
            // A phone's chat state to another phone is what that phone sees.
            _ = try await world.sandbox(.post, "/sandbox/chatpresence", #"{"From":"\#(gil)","To":"\#(hana)@s.whatsapp.net","State":"composing"}"#)
            let seen = try await world.sandbox(.get, "/sandbox/presences?Phone=\(hana)", nil)
            let presences = try #require(seen.object["Presences"] as? [[String: Any]])
            #expect(presences.count == 1)
            #expect(presences.first?["State"] as? String == "composing")
        }
    }
}
