import Foundation
import Logging
import Testing
import WABinary
import WATransport
@testable import WagoSandbox

/// The control API's authentication and account validation, and accounts surviving a restart.
@Suite(.timeLimit(.minutes(1)))
struct ControlAPITests {
    @Test func everyRouteRequiresTheAdminToken() async throws {
        try await SandboxFixture().run { info in
            for token in [nil, "wrong-token"] {
                let control = try ControlClient(info, adminToken: token)
                let answers = [
                    try await control.post("/sandbox/accounts", ["Phone": "15551234567", "PushName": "A"]),
                    try await control.get("/sandbox/accounts"),
                    try await control.post("/sandbox/link", ["Phone": "15551234567", "QR": "x"]),
                    try await control.post("/sandbox/paircode", ["Phone": "15551234567", "Code": "x"]),
                    try await control.post("/sandbox/unlink", ["Phone": "15551234567", "DeviceJID": "x"]),
                    try await control.get("/sandbox/info"),
                    try await control.post("/sandbox/send", raw: #"{"From":"15551234567","To":"x","Message":{}}"#),
                    try await control.get("/sandbox/messages", query: ["Phone": "15551234567"]),
                ]
                for answer in answers {
                    #expect(answer.status == 401)
                    #expect(answer["error"] == "missing or wrong admintoken")
                }
            }
            let control = try ControlClient(info)
            #expect(try await control.get("/sandbox/accounts").json["Accounts"] as? [Any] != nil)
        }
    }

    @Test func accountFieldsAreChecked() async throws {
        try await SandboxFixture().run { info in
            let control = try ControlClient(info)
            let notDigits = try await control.post("/sandbox/accounts", ["Phone": "+1555123", "PushName": "A"])
            #expect(notDigits.status == 400)
            #expect(notDigits["error"].contains("Phone"))
            let noName = try await control.post("/sandbox/accounts", ["Phone": "15551234567"])
            #expect(noName.status == 400)
            #expect(noName["error"] == "missing PushName in payload")
            let badJSON = try await control.post("/sandbox/accounts", raw: "{")
            #expect(badJSON.status == 400)
            #expect(try await control.post("/sandbox/accounts", ["Phone": "15551234567", "PushName": "A"]).status == 200)
            let again = try await control.post("/sandbox/accounts", ["Phone": "15551234567", "PushName": "B"])
            #expect(again.status == 409)
        }
    }

    @Test func accountsAndDevicesSurviveARestart() async throws {
        let device = TestDevice()
        let first = try SandboxFixture()
        defer { try? FileManager.default.removeItem(at: first.directory) }
        let account = try await first.seed(device)
        let file = first.directory.appendingPathComponent("sandbox-accounts.json").path
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)

        let restarted = try SandboxFixture(directory: first.directory)
        #expect(await restarted.server.accounts.account(phone: device.jid.user) == account)
        try await restarted.server.withRunning { info in
            let socket = makeSocket(info, device: device, payload: device.login)
            try await withSocket(socket) { log in
                let success = try await log.wait { $0.node(tagged: "success") }
                #expect(success["lid"]?.jid == JID(user: account.lid, server: JID.lidServer, device: device.jid.device))
            }
        }
    }
}
