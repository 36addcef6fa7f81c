import Foundation
import HummingbirdTesting
import Testing
@testable import WagoServer

@Suite("Session and webhook routes")
struct SessionRouteTests {
    let admin = TestGateway.adminToken

    @Test("GET /server/ok needs no token", arguments: testModes)
    func health(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            let reply = try await client.call(.get, "/server/ok")
            #expect(reply.status == .ok)
            #expect(reply.data?["status"] as? String == "ok")
        }
    }

    @Test("admin routes refuse a missing or wrong admintoken with 401", arguments: testModes)
    func adminAuth(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            let missing = try await client.call(.get, "/session/all")
            #expect(missing.status == .unauthorized)
            #expect(missing.error == "missing admintoken header")
            let wrong = try await client.call(.post, "/session/init", admin: "nope", json: "{}")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.error == "invalid admin token")
            let session = try await client.call(.get, "/session/all", token: "x")
            #expect(session.status == .unauthorized, "a session token is not an admin token")
        }
    }

    @Test("session routes refuse a missing or unknown token with 401", arguments: testModes)
    func sessionAuth(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            #expect(try await client.call(.get, "/session/status").error == "missing token")
            #expect(try await client.call(.get, "/session/status", token: "unknown").error == "invalid token")
            #expect(try await client.call(.get, "/webhook", admin: admin).status == .unauthorized)
        }
    }

    @Test("init creates a session reachable by header or ?token=", arguments: testModes)
    func initAndStatus(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            let created = try await client.call(
                .post, "/session/init", admin: admin, json: #"{"Name":"ana","Token":"ana token 1","Os":"linux"}"#)
            #expect(created.status == .ok)
            #expect(created.data?["token"] as? String == "anatoken1", "spaces are removed, as WaGo does")
            #expect(created.data?["name"] as? String == "ana")
            #expect(created.data?["osName"] as? String == "linux")

            let status = try await client.call(.get, "/session/status", token: "anatoken1")
            #expect(status.status == .ok)
            #expect(status.data?["Connected"] as? Bool == false)
            #expect(status.data?["LoggedIn"] as? Bool == false)
            let byQuery = try await client.call(.get, "/session/status?token=anatoken1")
            #expect(byQuery.status == .ok)
        }
    }

    @Test("init without Token generates an unguessable one", arguments: testModes)
    func generatedToken(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            let created = try await client.call(.post, "/session/init", admin: admin, json: "{}")
            let token = try #require(created.data?["token"] as? String)
            #expect(token.count == 64)
            #expect(try await client.call(.get, "/session/status", token: token).status == .ok)
        }
    }

    @Test("init refuses duplicates and bad fields with a message naming the field", arguments: testModes)
    func initErrors(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"a","Token":"t1"}"#)
            let sameToken = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"b","Token":"t1"}"#)
            #expect(sameToken.status == .conflict)
            #expect(sameToken.error == "a session with this Token already exists")
            let sameName = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"a","Token":"t2"}"#)
            #expect(sameName.error == "a session with this Name already exists")
            let badType = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":5}"#)
            #expect(badType.status == .badRequest)
            #expect(badType.error == "Name must be a string")
            let badJSON = try await client.call(.post, "/session/init", admin: admin, json: "{nope")
            #expect(badJSON.status == .badRequest)
            let notObject = try await client.call(.post, "/session/init", admin: admin, json: "[1]")
            #expect(notObject.status == .badRequest)
        }
    }

    @Test("all, scanned and delete manage sessions for the admin", arguments: testModes)
    func adminListing(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"a","Token":"ta"}"#)
            _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"b","Token":"tb"}"#)
            let all = try #require(try await client.call(.get, "/session/all", admin: admin).dataArray)
            #expect(all.compactMap { $0["name"] as? String } == ["a", "b"])
            #expect(all.first?["token"] as? String == "ta")
            let scanned = try await client.call(.post, "/session/scanned", admin: admin)
            #expect(scanned.dataArray?.isEmpty == true, "no session is linked yet")

            let noTarget = try await client.call(.post, "/session/delete", admin: admin)
            #expect(noTarget.status == .badRequest)
            let unknown = try await client.call(.post, "/session/delete", token: "nope", admin: admin)
            #expect(unknown.status == .notFound)
            let deleted = try await client.call(.post, "/session/delete", token: "ta", admin: admin)
            #expect(deleted.status == .ok)
            #expect(try await client.call(.get, "/session/status", token: "ta").status == .unauthorized)
            let remaining = try await client.call(.get, "/session/all", admin: admin).dataArray
            #expect(remaining?.compactMap { $0["name"] as? String } == ["b"])
            let notAdmin = try await client.call(.post, "/session/delete", token: "tb")
            #expect(notAdmin.status == .unauthorized, "deleting needs the admin token too")
        }
    }

    @Test("webhook URL is validated, stored and read back", arguments: testModes)
    func webhook(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"a","Token":"ta"}"#)
            let missing = try await client.call(.post, "/webhook", token: "ta", json: "{}")
            #expect(missing.status == .badRequest)
            #expect(missing.error == "missing WebhookURL in payload")
            let scheme = try await client.call(.post, "/webhook", token: "ta", json: #"{"WebhookURL":"ftp://x.example/h"}"#)
            #expect(scheme.error == "WebhookURL must use http or https, not ftp")
            let loopback = try await client.call(.post, "/webhook", token: "ta", json: #"{"WebhookURL":"http://127.0.0.1:9/h"}"#)
            #expect(loopback.status == .badRequest)
            #expect(loopback.error?.hasPrefix("WebhookURL points to a loopback address") == true)

            let set = try await client.call(.post, "/webhook", token: "ta", json: #"{"WebhookURL":"https://hooks.example.com/wago"}"#)
            #expect(set.data?["webhook"] as? String == "https://hooks.example.com/wago")
            let read = try await client.call(.get, "/webhook", token: "ta")
            #expect(read.data?["webhook"] as? String == "https://hooks.example.com/wago")
            #expect(read.data?["subscribe"] as? [String] == [])
        }
    }

    @Test("sessions and webhooks survive a restart")
    func restart() async throws {
        let first = try TestGateway()
        try await first.test(.router) { client async throws in
            _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"a","Token":"ta"}"#)
            _ = try await client.call(.post, "/webhook", token: "ta", json: #"{"WebhookURL":"https://h.example/x"}"#)
        }
        try await first.restarted().test(.router) { client async throws in
            let read = try await client.call(.get, "/webhook", token: "ta")
            #expect(read.status == .ok)
            #expect(read.data?["webhook"] as? String == "https://h.example/x")
        }
    }

    @Test("an unknown route answers 404 in the envelope", arguments: testModes)
    func unknownRoute(mode: TestingSetup) async throws {
        try await TestGateway().test(mode) { client async throws in
            let reply = try await client.call(.get, "/no/such/route")
            #expect(reply.status == .notFound)
        }
    }
}
