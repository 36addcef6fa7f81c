import Foundation
import HummingbirdTesting
import Testing
@testable import WagoServer

/// History sync through the sandbox: the phone sends a newly linked session its conversations
/// and its contacts' names as history blobs; the session fetches and decodes them, posts
/// WaGo's HistorySync events and acknowledges each with a `hist_sync` receipt.
@Suite("History sync through the sandbox", .serialized)
struct HistorySyncTests {
    @Test("a linked session gets its phone's history as HistorySync events", .timeLimit(.minutes(5)))
    func initialHistoryReachesTheWebhook() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990081", "5511999990082")
            let biaJID = "\(bia)@s.whatsapp.net"
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            // Before Ana links a session, Bia writes to Ana's phone, which keeps the conversation.
            let old = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":{"conversation":"mensagem antiga"}}"#)
            let oldID = try #require(old.object["ID"] as? String)
            _ = try await world.waitForMessages(of: ana, count: 1)

            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(
                    named: "ana", token: "tok-ana", to: ana, on: client, subscribe: ["HistorySync"],
                    webhook: receiver.url)
            }
            let events = try await receiver.events(ofType: "HistorySync", in: world) { $0.count == 2 }
                .compactMap { $0["event"] as? [String: Any] }
            try #require(events.count == 2)
            #expect(receiver.jsonData.allSatisfy { $0.hasPrefix(#"{"event":{"Data":{"syncType":"#) })
            // INITIAL_BOOTSTRAP: the conversation with Bia and its message.
            let bootstrap = try #require(events.first { ($0["Data"] as? [String: Any])?["syncType"] as? Int == 0 })
            #expect((bootstrap["Notification"] as? [String: Any])?["syncType"] as? Int == 0)
            let conversations = try #require((bootstrap["Data"] as? [String: Any])?["conversations"] as? [[String: Any]])
            try #require(conversations.count == 1)
            #expect(conversations[0]["ID"] as? String == biaJID)
            #expect(conversations[0]["name"] as? String == "Bia")
            let messages = try #require(conversations[0]["messages"] as? [[String: Any]])
            let stored = try #require(messages.first?["message"] as? [String: Any])
            let key = try #require(stored["key"] as? [String: Any])
            #expect(key["ID"] as? String == oldID)
            #expect(key["fromMe"] as? Bool == false)
            #expect((stored["message"] as? [String: Any])?["conversation"] as? String == "mensagem antiga")
            #expect(stored["pushName"] as? String == "Bia")
            // PUSH_NAME: the contacts' names.
            let pushNames = try #require(events.first { ($0["Data"] as? [String: Any])?["syncType"] as? Int == 4 })
            let names = try #require((pushNames["Data"] as? [String: Any])?["pushnames"] as? [[String: Any]])
            #expect(names.map { "\($0["ID"] ?? "") \($0["pushname"] ?? "")" } == ["\(biaJID) Bia"])

            // The session acknowledged both blobs with hist_sync receipts.
            var sent: [[String: Any]] = []
            try await world.waitUntil {
                sent = try await world.sandbox(.get, "/sandbox/historysync?Phone=\(ana)", nil).object["Sent"]
                    as? [[String: Any]] ?? []
                return sent.count == 2 && sent.allSatisfy { $0["Acknowledged"] as? Bool == true }
            }
            #expect(sent.map { $0["SyncType"] as? String } == ["INITIAL_BOOTSTRAP", "PUSH_NAME"])
            #expect(sent.allSatisfy { ($0["Device"] as? String)?.hasPrefix("\(ana):") == true })
        }
    }

    @Test("a phone with nothing stored still sends an empty bootstrap", .timeLimit(.minutes(5)))
    func emptyHistory() async throws {
        try await LinkingWorld.run { world in
            let cruz = "5511999990091"
            try await world.createAccounts([(cruz, "Cruz")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "cruz", token: "tok-cruz", to: cruz, on: client)
            }
            var sent: [[String: Any]] = []
            try await world.waitUntil {
                sent = try await world.sandbox(.get, "/sandbox/historysync?Phone=\(cruz)", nil).object["Sent"]
                    as? [[String: Any]] ?? []
                return sent.count == 2 && sent.allSatisfy { $0["Acknowledged"] as? Bool == true }
            }
            #expect(sent.map { $0["SyncType"] as? String } == ["INITIAL_BOOTSTRAP", "PUSH_NAME"])
            let missing = try await world.sandbox(.get, "/sandbox/historysync", nil)
            #expect(missing.status == .badRequest)
            await world.gateway.gateway.clients.stopAll()
        }
    }
}
