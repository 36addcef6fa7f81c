import Foundation
import Testing
import WagoStore
@testable import WagoServer

/// A message the server delivers again (the gateway died before acking it) is reported again
/// under the same event id, and the outbox keeps one delivery of it.
@Suite("Webhook outbox: one delivery per event id")
struct WebhookOutboxIdempotenceTests {
    static let message = (session: "s", chat: "5511999990002@s.whatsapp.net", sender: "5511999990002:3@s.whatsapp.net",
                          id: "3EB0C767F26D4A5F", type: "Message")

    @Test("an id queued twice while its row is pending is one row; once delivered, it queues again")
    func sameIDQueuesOnce() async throws {
        let directory = TestGateway.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let secrets = SecretBox(masterKey: try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory))
        let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
        try SessionStore(database: database).insert(SessionRecord(id: "s", name: "s", token: "token-s", os: "WaGo"))
        let outbox = WebhookOutbox(database: database)
        let id = WebhookEventID.message(
            session: "s", chat: Self.message.chat, sender: Self.message.sender, messageID: Self.message.id, type: "Message")

        #expect(try await outbox.enqueue(session: "s", type: "Message", payload: #"{"first":1}"#, id: id) == id)
        let other = try await outbox.enqueue(session: "s", type: "ReadReceipt", payload: "{}")
        #expect(try await outbox.enqueue(session: "s", type: "Message", payload: #"{"again":2}"#, id: id) == id)
        #expect(try await outbox.counts()[.pending] == 2)
        #expect(try await outbox.heads().map(\.id) == [id], "the copy did not move the event behind later ones")
        #expect(try await outbox.payload(id: id) == #"{"first":1}"#)

        try await outbox.remove(ids: [id])
        try await outbox.enqueue(session: "s", type: "Message", payload: #"{"again":2}"#, id: id)
        #expect(try await outbox.heads().map(\.id) == [other])
        #expect(try await outbox.counts()[.pending] == 2, "a copy after delivery goes out again, under the same id")
    }

    @Test("a message's event id depends on every field it names, and is a version-8 UUID")
    func messageEventIDs() throws {
        let m = Self.message
        let id = WebhookEventID.message(session: m.session, chat: m.chat, sender: m.sender, messageID: m.id, type: m.type)
        #expect(id == WebhookEventID.message(session: m.session, chat: m.chat, sender: m.sender, messageID: m.id, type: m.type))
        let variants = [
            WebhookEventID.message(session: "t", chat: m.chat, sender: m.sender, messageID: m.id, type: m.type),
            WebhookEventID.message(session: m.session, chat: "120363@g.us", sender: m.sender, messageID: m.id, type: m.type),
            WebhookEventID.message(session: m.session, chat: m.chat, sender: "5511999990002:4@s.whatsapp.net", messageID: m.id, type: m.type),
            WebhookEventID.message(session: m.session, chat: m.chat, sender: m.sender, messageID: "3EB0C767F26D4A60", type: m.type),
            WebhookEventID.message(session: m.session, chat: m.chat, sender: m.sender, messageID: m.id, type: "HistorySync"),
            // Fields shifted across their boundary.
            WebhookEventID.message(session: m.session + m.chat, chat: "", sender: m.sender, messageID: m.id, type: m.type),
        ]
        #expect(Set(variants + [id]).count == variants.count + 1)
        let uuid = try #require(UUID(uuidString: id))
        #expect(uuid.uuidString.lowercased() == id)
        #expect(uuid.uuid.6 >> 4 == 8)
        #expect(uuid.uuid.8 >> 6 == 0b10)
        #expect(WebhookEventID.random() != WebhookEventID.random())
    }

    /// Ids must not change across versions: a message delivered again after an upgrade keeps
    /// its id. Computed apart (Python's hashlib and uuid) from the definition above.
    @Test("message event ids are those of their definition")
    func messageEventIDVectors() {
        let m = Self.message
        #expect(
            WebhookEventID.message(session: m.session, chat: m.chat, sender: m.sender, messageID: m.id, type: m.type)
                == "6c8f0eed-24eb-816d-b37a-6d3bc3473bae")
        #expect(
            WebhookEventID.message(session: "sé", chat: "120363@g.us", sender: "x", messageID: "id", type: "Message")
                == "f743f8c4-184e-8fcb-bce5-20e8ea7738a0")
    }

    @Test("events emitted twice under one id reach the webhook once; events without one, each time")
    func busQueuesAnEventIDOnce() async throws {
        let receiver = try await WebhookReceiver()
        let gateway = try WebhookOutboxTests.gateway()
        let session = try await WebhookOutboxTests.session(on: gateway, subscribe: ["All"], webhook: receiver.url)
        let id = WebhookEventID.message(
            session: session.id, chat: Self.message.chat, sender: Self.message.sender, messageID: Self.message.id,
            type: "Message")
        for _ in 0..<2 {
            try await gateway.events.emit(session: session.id, type: "Message", json: #"{"n":1}"#, eventID: id)
            try await gateway.events.emit(session: session.id, type: "ReadReceipt", json: #"{"n":2}"#)
        }
        #expect(try await gateway.webhooks.outbox.counts()[.pending] == 3)

        try await WebhookOutboxTests.deliver(on: gateway) { receiver.received.count == 3 }
        let ids = receiver.received.compactMap { $0.header("X-Wago-Event-Id") }
        #expect(ids.first == id)
        #expect(ids.filter { $0 == id }.count == 1)
        #expect(Set(ids).count == 3)
        await receiver.stop()
    }
}
