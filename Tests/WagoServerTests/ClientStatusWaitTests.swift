import Foundation
import Synchronization
import Testing
import WAClient
@testable import WagoServer

/// `WhatsAppClient.waitUntil` (what `/session/connect`, pair codes and logout wait with) looks at
/// the status again only when it changed: neither its own timer nor the stanzas that change
/// nothing make it look, so a waiter costs nothing while a session takes in messages.
@Suite("Waiting for a client's status", .serialized)
struct ClientStatusWaitTests {
    @Test("a waiting caller looks at the status once per change, however many stanzas arrive")
    func waitLooksOnlyOnChanges() async throws {
        try await LinkingWorld.run { world in
            let (hana, ivo) = ("5511999990121", "5511999990122")
            try await world.createAccounts([(hana, "Hana"), (ivo, "Ivo")])
            let client = try await world.linkedSessions([("hana", hana)], subscribe: ["Message"])[0].client
            // Ivo's texts, by id: delivery is at least once, and Hana's own phone writes to her
            // new device too (history sync), whenever a busy machine gets to it.
            let messages = Mutex(Set<String>())
            world.gateway.gateway.events.subscribe("Message") { _, _, json in
                let event = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                guard let id = (event?["Info"] as? [String: Any])?["ID"] as? String,
                    let text = (event?["Message"] as? [String: Any])?["conversation"] as? String, text.hasPrefix("oi")
                else { return }
                messages.withLock { _ = $0.insert(id) }
            }

            /// Ivo's phone writes to Hana; waits until her session reported `total` messages.
            func ivoWrites(_ texts: [String], total: Int) async throws {
                for text in texts {
                    _ = try await world.sandbox(
                        .post, "/sandbox/send",
                        #"{"From":"\#(ivo)","To":"\#(hana)@s.whatsapp.net","Message":{"conversation":"\#(text)"}}"#)
                }
                try await world.waitUntil { messages.withLock { $0.count } >= total }
                #expect(messages.withLock { $0.count } == total)
            }
            // The first message starts the Signal session, before anything is counted.
            try await ivoWrites(["oi"], total: 1)

            let looks = Mutex(0)
            async let held = client.waitUntil(timeout: .seconds(60)) { _ in
                looks.withLock { $0 += 1 }
                return false
            }
            // Waiting now (a login's last changes may still wake it: count from here).
            try await world.waitUntil { looks.withLock { $0 } >= 1 }
            let before = looks.withLock { $0 }
            try await ivoWrites((1...5).map { "oi \($0)" }, total: 6)
            #expect(looks.withLock { $0 } == before, "the messages' stanzas changed nothing to look at")

            // Disconnecting does change the status, and ends the wait (the client stopped).
            try await world.gateway.test(.router) { client async throws in
                #expect(try await client.call(.post, "/session/disconnect", token: "tok-hana").status == .ok)
            }
            #expect(await !held)
            #expect(looks.withLock { $0 } - before <= 3)
        }
    }

    @Test("a wait woken early, by another wait's deadline, does not spin until its own")
    func wakeUpDoesNotSpin() async throws {
        try await LinkingWorld.run { world in
            let jo = "5511999990123"
            try await world.createAccounts([(jo, "Jo")])
            let client = try await world.linkedSessions([("jo", jo)])[0].client
            let looks = Mutex(0)
            async let short = client.waitUntil(timeout: .milliseconds(100)) { _ in false }
            let long = await client.waitUntil(timeout: .seconds(1)) { _ in
                looks.withLock { $0 += 1 }
                return false
            }
            #expect(await !short && !long)
            // At the start, at the short wait's deadline and at its own (a few more leave room
            // for a status change on a busy machine). A wait whose cancelled timer woke the
            // waiters spun from the first wake-up on, thousands of looks a second.
            #expect(looks.withLock { $0 } <= 10)
        }
    }
}
