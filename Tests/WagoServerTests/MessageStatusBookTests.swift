import Foundation
import HummingbirdTesting
import Testing
import WagoStore
@testable import WagoServer

/// The messaging plugin's status book keeps the entries it wrote lately in memory, for every
/// session of the process: a session that logs out (deleting a linked session logs it out
/// first) must not leave its entries there.
@Suite("Message status book through the sandbox", .serialized)
struct MessageStatusBookTests {
    @Test(
        "a logout drops the session's status entries from the plugin's memory, and no other session's",
        .timeLimit(.minutes(10)))
    func logoutForgetsTheSessionsEntries() async throws {
        try await LinkingWorld.run(plugins: [try MessagingTests.messagingPluginPath()]) { world in
            let (ana, bia, caio) = ("5511999990141", "5511999990142", "5511999990143")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia"), (caio, "Caio")])
            let sessions = try await world.linkedSessions([("ana", ana), ("bia", bia)]).map(\.record)
            try await world.gateway.test(.router) { client async throws in
                /// What `/message/status` answers the session of `token` about `id`.
                func status(_ id: String, token: String) async throws -> EnvelopeBody {
                    try await client.call(.post, "/message/status", token: token, json: #"{"Id":"\#(id)"}"#)
                }
                // Ana's and Bia's sessions each write to Caio, whose phone's receipt makes it Delivered.
                var sent: [(token: String, id: String)] = []
                for token in ["tok-ana", "tok-bia"] {
                    let answer = try await client.call(
                        .post, "/send/text", token: token, json: #"{"Phone":"\#(caio)","Body":"oi, Caio"}"#)
                    #expect(answer.status == .ok, "\(answer.object)")
                    sent.append((token, try #require(answer.data?["Id"] as? String)))
                }
                for (token, id) in sent {
                    try await world.waitUntil { try await status(id, token: token).data?["Status"] as? String == "Delivered" }
                }

                // Their stored entries go behind the plugin's back: it still answers, from memory.
                let values = PluginValueStore(database: try LIDMessagingTests.database(of: world))
                for (session, (token, id)) in zip(sessions, sent) {
                    #expect(try values.removeValue(plugin: "messaging", session: session.id, key: "status/\(id)"))
                    #expect(try await status(id, token: token).data?["Status"] as? String == "Delivered", "\(token)")
                }

                // Ana's session logs out: its entry leaves the memory too; Bia's stays.
                let loggedOut = try await client.call(.post, "/session/logout", token: "tok-ana")
                #expect(loggedOut.status == .ok, "\(loggedOut.object)")
                try await world.waitUntil { try await status(sent[0].id, token: "tok-ana").status == .notFound }
                #expect(try await status(sent[1].id, token: "tok-bia").data?["Status"] as? String == "Delivered")
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }
}
