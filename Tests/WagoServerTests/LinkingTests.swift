import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import WAClient
import WATransport
import WagoSandbox
@testable import WagoServer

/// The session lifecycle through REST only, against the sandbox mounted on the gateway's port
/// as `WAGO_SANDBOX=1` does: link by QR and by pair code, restart, reconnect, log out.
@Suite("Device linking and the session lifecycle", .serialized)
struct LinkingTests {
    let admin = TestGateway.adminToken

    @Test("QR: connect, read the QR, link it in the sandbox, restart, reconnect, log out")
    func qrLifecycle() async throws {
        try await LinkingWorld.run { world in
            let phone = "5511999990001"
            let account = try await world.sandbox(.post, "/sandbox/accounts", #"{"Phone":"\#(phone)","PushName":"Ana"}"#)
            #expect(account.status == .ok)
            try await world.gateway.test(.router) { client async throws in
                _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"ana","Token":"tok-ana"}"#)
                let connected = try await client.call(.post, "/session/connect", token: "tok-ana", json: #"{"Subscribe":["Message"],"Immediate":false}"#)
                #expect(connected.status == .ok)
                let again = try await client.call(.post, "/session/connect", token: "tok-ana", json: "{}")
                #expect(again.status == .conflict, "a second connect does not start a second client")

                let qr = try await client.call(.get, "/session/qr", token: "tok-ana")
                let text = try #require(qr.data?["QRText"] as? String)
                let image = try #require(qr.data?["QRCode"] as? String)
                #expect(text.hasPrefix("https://wa.me/settings/linked_devices#"))
                #expect(try ZBar.decode(dataURL: image) == text, "the PNG shows the same text")

                let linked = try await world.sandbox(.post, "/sandbox/link", #"{"Phone":"\#(phone)","QR":"\#(text)"}"#)
                #expect(linked.status == .ok)
                let deviceJID = try #require(linked.object["DeviceJID"] as? String)
                #expect(deviceJID.hasPrefix("\(phone):"))

                let status = try await client.waitForStatus(token: "tok-ana") { $0["LoggedIn"] as? Bool == true }
                #expect(status["Jid"] as? String == deviceJID)
                #expect((status["LID"] as? String)?.hasSuffix("@lid") == true)
                let loggedInQR = try await client.call(.get, "/session/qr", token: "tok-ana")
                #expect(loggedInQR.status == .conflict)
                #expect(loggedInQR.error == "already logged in")

                let all = try await client.call(.get, "/session/all", admin: admin)
                #expect(all.dataArray?.first?["jid"] as? String == deviceJID)
                #expect(all.dataArray?.first?["loggedIn"] as? Bool == true)
            }
            await world.gateway.gateway.clients.stopAll()

            // A restart logs the session in again, without linking.
            let restarted = try world.restartedGateway()
            await restarted.gateway.clients.resumeLinkedSessions()
            try await restarted.test(.router) { client async throws in
                _ = try await client.waitForStatus(token: "tok-ana") { $0["LoggedIn"] as? Bool == true }

                let disconnected = try await client.call(.post, "/session/disconnect", token: "tok-ana")
                #expect(disconnected.status == .ok)
                let status = try await client.call(.get, "/session/status", token: "tok-ana")
                #expect(status.data?["Connected"] as? Bool == false)
                #expect(try await client.call(.post, "/session/disconnect", token: "tok-ana").status == .conflict)

                _ = try await client.call(.post, "/session/connect", token: "tok-ana", json: "{}")
                _ = try await client.waitForStatus(token: "tok-ana") { $0["LoggedIn"] as? Bool == true }

                let loggedOut = try await client.call(.post, "/session/logout", token: "tok-ana")
                #expect(loggedOut.status == .ok)
                let after = try await client.call(.get, "/session/status", token: "tok-ana")
                #expect(after.data?["LoggedIn"] as? Bool == false)
                #expect(after.data?["Jid"] as? String == "")
            }
            await restarted.gateway.clients.stopAll()
            let accounts = try await world.sandbox(.get, "/sandbox/accounts", nil)
            let listed = try #require((accounts.object["Accounts"] as? [[String: Any]])?.first)
            #expect((listed["Devices"] as? [Any])?.isEmpty == true, "logout unlinked the device in the sandbox")
        }
    }

    @Test("pair code: the phone enters the code the gateway returned; a wrong code is refused")
    func pairCode() async throws {
        try await LinkingWorld.run { world in
            let phone = "5511999990002"
            _ = try await world.sandbox(.post, "/sandbox/accounts", #"{"Phone":"\#(phone)","PushName":"Bia"}"#)
            try await world.gateway.test(.router) { client async throws in
                _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"bia","Token":"tok-bia"}"#)
                let missing = try await client.call(.post, "/session/pair", token: "tok-bia", json: "{}")
                #expect(missing.status == .badRequest)
                #expect(missing.error == "missing Phone in payload")
                let invalid = try await client.call(.post, "/session/pair", token: "tok-bia", json: #"{"Phone":"abc"}"#)
                #expect(invalid.status == .badRequest)

                let first = try await client.call(.post, "/session/pair", token: "tok-bia", json: #"{"Phone":"+\#(phone)"}"#)
                let wrongCodeFor = try #require(first.data?["LinkingCode"] as? String)
                let wrong = try await world.sandbox(
                    .post, "/sandbox/paircode", #"{"Phone":"\#(phone)","Code":"\#(Self.otherCode(than: wrongCodeFor))"}"#)
                #expect(wrong.status == .badRequest, "a wrong pair code is refused: \(wrong.object)")

                let second = try await client.call(.post, "/session/pair", token: "tok-bia", json: #"{"Phone":"\#(phone)"}"#)
                let code = try #require(second.data?["LinkingCode"] as? String)
                #expect(code.count == 9 && code.dropFirst(4).first == "-", "shown as XXXX-XXXX")
                let linked = try await world.sandbox(.post, "/sandbox/paircode", #"{"Phone":"\#(phone)","Code":"\#(code)"}"#)
                #expect(linked.status == .ok, "\(linked.object)")
                let deviceJID = try #require(linked.object["DeviceJID"] as? String)
                let status = try await client.waitForStatus(token: "tok-bia") { $0["LoggedIn"] as? Bool == true }
                #expect(status["Jid"] as? String == deviceJID)
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("QR codes expire: after the last ref the client hangs up and the sandbox refuses the old QR")
    func expiredQR() async throws {
        let timing = PairingTiming(firstQRLifetime: .milliseconds(300), nextQRLifetime: .milliseconds(200))
        try await LinkingWorld.run(pairing: timing) { world in
            let phone = "5511999990003"
            _ = try await world.sandbox(.post, "/sandbox/accounts", #"{"Phone":"\#(phone)","PushName":"Caio"}"#)
            try await world.gateway.test(.router) { client async throws in
                _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"caio","Token":"tok-caio"}"#)
                _ = try await client.call(.post, "/session/connect", token: "tok-caio", json: #"{"Immediate":false}"#)
                let qr = try await client.call(.get, "/session/qr", token: "tok-caio")
                let text = try #require(qr.data?["QRText"] as? String)
                _ = try await client.waitForStatus(token: "tok-caio") { $0["Connected"] as? Bool == false }
                let gone = try await client.call(.get, "/session/qr", token: "tok-caio")
                #expect(gone.status == .conflict)
                let refused = try await world.sandbox(.post, "/sandbox/link", #"{"Phone":"\#(phone)","QR":"\#(text)"}"#)
                #expect((400..<500).contains(refused.status.code), "an expired QR is refused: \(refused.object)")
                let malformed = try await world.sandbox(.post, "/sandbox/link", #"{"Phone":"\#(phone)","QR":"not a qr"}"#)
                #expect(malformed.status == .badRequest)
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("connect and pair check their fields")
    func badInput() async throws {
        try await TestGateway().test(.router) { client async throws in
            _ = try await client.call(.post, "/session/init", admin: admin, json: #"{"Name":"dan","Token":"tok-dan"}"#)
            let subscribe = try await client.call(.post, "/session/connect", token: "tok-dan", json: #"{"Subscribe":["Nope"]}"#)
            #expect(subscribe.status == .badRequest)
            #expect(subscribe.error?.contains("Subscribe") == true)
            let immediate = try await client.call(.post, "/session/connect", token: "tok-dan", json: #"{"Immediate":"yes"}"#)
            #expect(immediate.status == .badRequest)
            #expect(immediate.error == "Immediate must be true or false")
            let qr = try await client.call(.get, "/session/qr", token: "tok-dan")
            #expect(qr.status == .conflict)
            let logout = try await client.call(.post, "/session/logout", token: "tok-dan")
            #expect(logout.status == .conflict)
            #expect(logout.error == "not logged in")
        }
    }

    /// A valid-looking code that is not `code`.
    static func otherCode(than code: String) -> String {
        code.first == "A" ? "B" + code.dropFirst() : "A" + code.dropFirst()
    }
}

extension TestClientProtocol {
    /// Polls `/session/status` until `condition` holds (at most 15 s) and returns its data.
    func waitForStatus(token: String, _ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            let status = try await call(.get, "/session/status", token: token)
            let data = try #require(status.data)
            if condition(data) { return data }
            guard ContinuousClock.now < deadline else {
                Issue.record("status never reached the expected state: \(data)")
                return data
            }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Reads QR codes with zbarimg (Debian's zbar-tools, installed by scripts/bootstrap.sh).
enum ZBar {
    static func decode(dataURL: String) throws -> String {
        let prefix = "data:image/png;base64,"
        #expect(dataURL.hasPrefix(prefix))
        let png = try #require(Data(base64Encoded: String(dataURL.dropFirst(prefix.count))))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("qr-\(UUID().uuidString).png")
        try png.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["zbarimg", "--raw", "-q", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = Pipe()
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "zbarimg read the QR (apt-get install zbar-tools)")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
    }
}
