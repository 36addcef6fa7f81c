import Foundation
import GRDB
import HummingbirdTesting
import Synchronization
import Testing
import WagoStore
@testable import WagoServer

/// A logout while the session sends.
struct LogoutRaceTests {
    /// Logout wipes the keys under the client's Signal lock after the commits in flight: sends
    /// that race it either went out (and arrive) or fail with an error, and no late commit
    /// brings a key back after the wipe. The logout starts once five sends were answered;
    /// most runs cut the other 195 short (the sends waiting for their ack fail at once when the
    /// server closes the connection, rather than after the ack timeout).
    @Test("sends racing a logout each get an answer, each accepted one arrives, and no Signal key outlives the wipe",
          .timeLimit(.minutes(3)))
    func sendsRacingALogout() async throws {
        try await LinkingWorld.run(plugins: [try MessagingTests.messagingPluginPath()]) { world in
            let (gil, hana) = ("5511999990043", "5511999990044")
            try await world.createAccounts([(gil, "Gil"), (hana, "Hana")])
            let (session, _) = try #require(try await world.linkedSessions([("gil", gil)]).first)
            let accepted = AcceptedTexts()
            try await world.gateway.test(.router) { client async throws in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for number in 0..<200 {
                        group.addTask {
                            let sent = try await client.call(
                                .post, "/send/text", token: "tok-gil", json: #"{"Phone":"\#(hana)","Body":"m\#(number)"}"#)
                            if sent.status == .ok {
                                accepted.texts.withLock { $0.append("m\(number)") }
                            } else {
                                #expect(sent.status.code >= 400 && sent.error?.isEmpty == false, "\(sent.object)")
                            }
                        }
                    }
                    group.addTask {
                        while accepted.texts.withLock({ $0.count }) < 5 { try await Task.sleep(for: .milliseconds(5)) }
                        let loggedOut = try await client.call(.post, "/session/logout", token: "tok-gil")
                        // The server removes the device, answers and hangs up; when the hang-up
                        // overtakes the answer, the logout learns the outcome from the stream
                        // error or the reconnect's 401.
                        #expect(loggedOut.status == .ok, "\(loggedOut.object)")
                    }
                    try await group.waitForAll()
                }
                _ = try await client.waitForStatus(token: "tok-gil") { $0["LoggedIn"] as? Bool == false && $0["Jid"] as? String == "" }
                let after = try await client.call(
                    .post, "/send/text", token: "tok-gil", json: #"{"Phone":"\#(hana)","Body":"late"}"#)
                #expect(after.status != .ok, "a send after the logout is refused")
            }
            let sent = accepted.texts.withLock { $0 }
            let inbox = try await world.waitForMessages(of: hana, count: sent.count)
            let texts = inbox.compactMap { ($0["Message"] as? [String: Any])?["conversation"] as? String }
            // A send whose ack the logout cut off fails yet may have arrived: only the other
            // way round would lose a message.
            #expect(Set(sent).isSubset(of: texts), "every accepted send arrived")

            let directory = world.gateway.dataDirectory
            let secrets = SecretBox(masterKey: try SecretBox.loadMasterKey(configured: nil, dataDirectory: directory))
            let database = try WagoDatabase(dataDirectory: directory, secrets: secrets)
            for table in ["signalLocalIdentity", "signalIdentity", "signalPreKey", "signalSignedPreKey", "signalSession"] {
                let rows = try await database.pool.read { db in
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE device = ?", arguments: [session.id])
                }
                #expect(rows == 0, "\(table) holds nothing of the logged-out device")
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    /// When the connection is lost between the server removing the device and its answer, the
    /// logout learns the outcome from the reconnect, which the server refuses with 401.
    @Test("a logout whose answer is lost with the connection succeeds once the reconnect is refused with 401",
          .timeLimit(.minutes(1)))
    func logoutWhoseAnswerIsLost() async throws {
        try await LinkingWorld.run(answersLogout: false) { world in
            let ivo = "5511999990045"
            try await world.createAccounts([(ivo, "Ivo")])
            _ = try await world.linkedSessions([("ivo", ivo)])
            try await world.gateway.test(.router) { client async throws in
                let loggedOut = try await client.call(.post, "/session/logout", token: "tok-ivo")
                #expect(loggedOut.status == .ok, "\(loggedOut.object)")
                let status = try await client.call(.get, "/session/status", token: "tok-ivo")
                #expect(status.data?["LoggedIn"] as? Bool == false)
                #expect(status.data?["Jid"] as? String == "")
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    /// The texts whose sends were answered 200, shared by the sending tasks.
    private final class AcceptedTexts: Sendable {
        let texts = Mutex<[String]>([])
    }
}
