import Foundation
import GRDB
import Synchronization
import Testing
import WagoStore
@testable import WagoServer

/// A message event the outbox cannot store must not be lost: the client then neither commits
/// the message's Signal state nor acks it, so the server delivers it again.
@Suite("Webhook outbox failures")
struct WebhookOutboxFailureTests {
    @Test("a message whose event could not be queued is not acked: it comes again after a reconnect and reaches the webhook once")
    func unqueuedMessageComesAgain() async throws {
        let receiver = try await WebhookReceiver()
        try await LinkingWorld.run(allowPrivateURLs: true) { world in
            let (ana, bia) = ("5511999990041", "5511999990042")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(
                    named: "ana", token: "tok-ana", to: ana, on: client, subscribe: ["Message"], webhook: receiver.url)
            }
            let reported = PluginHostStorageTests.Shared<[String]>([])
            world.gateway.gateway.events.subscribe("Message") { _, _, json in reported.value.withLock { $0.append(json) } }
            let outbox = world.gateway.gateway.webhooks.outbox
            let queuedBefore = try await outbox.counts()[.pending]
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let file = try DatabaseQueue(
                path: world.gateway.dataDirectory.appendingPathComponent("wago.sqlite").path, configuration: configuration)
            try await file.write { db in
                try db.execute(sql: """
                    CREATE TRIGGER outboxDown BEFORE INSERT ON webhookOutbox
                    BEGIN SELECT RAISE(ABORT, 'the outbox is down'); END
                    """)
            }

            let sent = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":{"conversation":"oi"}}"#)
            let id = try #require(sent.object["ID"] as? String)
            let reports = { reported.value.withLock { $0 }.filter { $0.contains(id) }.count }
            try await world.waitUntil { reports() == 1 }
            #expect(try await outbox.counts()[.pending] == queuedBefore, "nothing was queued")

            try await file.write { db in try db.execute(sql: "DROP TRIGGER outboxDown") }
            try await world.gateway.test(.router) { client async throws in
                _ = try await client.call(.post, "/session/disconnect", token: "tok-ana")
                _ = try await client.call(.post, "/session/connect", token: "tok-ana", json: #"{"Immediate":false}"#)
                _ = try await client.waitForStatus(token: "tok-ana") { $0["LoggedIn"] as? Bool == true }
            }
            let messageIDs = { receiver.events(ofType: "Message").compactMap(Self.messageID) }
            try await world.deliveringWebhooks {
                try await world.waitUntil { messageIDs().contains(id) }
            }
            #expect(messageIDs().filter { $0 == id }.count == 1, "the message reached the webhook once")
            #expect(reports() == 2, "the server delivered it again")
            await world.gateway.gateway.clients.stopAll()
        }
        await receiver.stop()
    }

    /// `event.Info.ID` of a Message event.
    static func messageID(_ event: [String: Any]) -> String? {
        ((event["event"] as? [String: Any])?["Info"] as? [String: Any])?["ID"] as? String
    }
}
