import Foundation
import Testing
import WABinary
import WACrypto
import WAPairing
import WATransport
@testable import WagoSandbox

/// A virtual phone linking companions through the control API: by QR, by pair code, and
/// unlinking them again.
@Suite(.timeLimit(.minutes(1)))
struct LinkingTests {
    static let phone = "15551234567"

    /// Creates the test account and returns its LID user.
    func createAccount(_ control: ControlClient) async throws -> String {
        let created = try await control.post("/sandbox/accounts", ["Phone": Self.phone, "PushName": "Alice"])
        #expect(created.status == 200)
        #expect(created["JID"] == "\(Self.phone)@s.whatsapp.net")
        #expect(created["LID"].count == 19)  // 15 digits and "@lid"
        return try #require(created["LID"].split(separator: "@").first.map(String.init))
    }

    @Test func qrLinkEndToEnd() async throws {
        let fixture = try SandboxFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let lid = try await createAccount(control)
            let companion = TestCompanion(info)
            try await companion.run {
                let linked = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": try await companion.qr()])
                #expect(linked.status == 200, "\(linked.json)")
                #expect(linked["DeviceJID"] == "\(Self.phone):1@s.whatsapp.net")
                _ = try await companion.log.wait { event -> Bool? in
                    if case .streamError(.restartRequired) = event { return true }
                    return nil
                }
                let success = try await companion.log.wait { $0.node(tagged: "success") }
                #expect(success["lid"]?.jid == JID(user: lid, server: JID.lidServer, device: 1))

                let listed = try await control.get("/sandbox/accounts")
                let accounts = try #require(listed.json["Accounts"] as? [[String: Any]])
                let devices = try #require(accounts.first?["Devices"] as? [[String: Any]])
                #expect(devices.count == 1)
                #expect(devices.first?["JID"] as? String == "\(Self.phone):1@s.whatsapp.net")
                #expect(devices.first?["KeyIndex"] as? Int == 1)
                #expect(devices.first?["Connected"] as? Bool == true)
            }
            // A second companion gets the next device id and key index.
            let second = TestCompanion(info)
            try await second.run {
                let linked = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": try await second.qr()])
                #expect(linked["DeviceJID"] == "\(Self.phone):2@s.whatsapp.net")
                let account = try #require(await fixture.server.accounts.account(phone: Self.phone))
                #expect(account.companions.map(\.keyIndex) == [1, 2])
            }
        }
    }

    @Test func wrongQRIsRefused() async throws {
        try await SandboxFixture().run { info in
            let control = try ControlClient(info)
            _ = try await createAccount(control)
            let companion = TestCompanion(info)
            try await companion.run {
                let malformed = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": "https://wa.me/nothing"])
                #expect(malformed.status == 400)
                #expect(malformed["error"].hasPrefix("QR"))

                let valid = try await companion.qr()
                let unknownRef = valid.replacingOccurrences(of: try await companion.waitForRefs()[0], with: "2@unknown")
                let unknown = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": unknownRef])
                #expect(unknown.status == 404)
                #expect(unknown["error"].contains("unknown"))

                let otherKeys = try await companion.qr(identity: Curve25519KeyPair.generate().publicKey.bytes)
                let mismatch = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": otherKeys])
                #expect(mismatch.status == 400)
                #expect(mismatch["error"].contains("keys do not match"))

                let noAccount = try await control.post("/sandbox/link", ["Phone": "15550009999", "QR": valid])
                #expect(noAccount.status == 404)
                let missing = try await control.post("/sandbox/link", ["Phone": Self.phone])
                #expect(missing.status == 400)
                #expect(missing["error"] == "missing QR in payload")
            }
        }
    }

    @Test func companionRefusingPairSuccessGives502() async throws {
        try await SandboxFixture().run { info in
            let control = try ControlClient(info)
            _ = try await createAccount(control)
            let companion = TestCompanion(info)
            try await companion.run {
                // The QR shows another secret than the companion keeps: its HMAC check fails.
                let qr = try await companion.qr(advSecret: Array(repeating: 7, count: 32))
                let refused = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": qr])
                #expect(refused.status == 502)
                #expect(refused["error"].contains("hmac-mismatch"))
                // The attempt is over: the right QR still links.
                let linked = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": try await companion.qr(ref: 1)])
                #expect(linked.status == 200)
            }
        }
    }

    @Test func expiredRefsAreRefused() async throws {
        try await SandboxFixture(firstRefLifetime: .milliseconds(300), refRotation: .seconds(20)).run { info in
            let control = try ControlClient(info)
            _ = try await createAccount(control)
            let companion = TestCompanion(info)
            let lastRef = try await companion.run {
                let first = try await companion.qr(ref: 0)
                try await Task.sleep(for: .milliseconds(400))
                let expired = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": first])
                #expect(expired.status == 410)
                #expect(expired["error"].contains("expired"))
                return try await companion.qr(ref: 5)
            }
            // The companion hung up: its refs died with its connection, even unexpired ones.
            try await Task.sleep(for: .milliseconds(200))
            let closed = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": lastRef])
            #expect(closed.status == 410)
        }
    }

    @Test func pairCodeLinksAndAWrongCodeIsRefused() async throws {
        try await SandboxFixture().run { info in
            let control = try ControlClient(info)
            let lid = try await createAccount(control)
            let companion = TestCompanion(info)
            try await companion.run {
                let none = try await control.post("/sandbox/paircode", ["Phone": Self.phone, "Code": "ABCD-EFGH"])
                #expect(none.status == 404)
                let code = try await companion.requestPairCode(phone: Self.phone)
                #expect(code.count == 9)

                let malformed = try await control.post("/sandbox/paircode", ["Phone": Self.phone, "Code": "abc"])
                #expect(malformed.status == 400)
                let wrongCode = code.first == "A" ? "B" + code.dropFirst() : "A" + code.dropFirst()
                let wrong = try await control.post("/sandbox/paircode", ["Phone": Self.phone, "Code": wrongCode])
                #expect(wrong.status == 400)
                #expect(wrong["error"] == "pair code does not match")

                let linked = try await control.post("/sandbox/paircode", ["Phone": Self.phone, "Code": code.lowercased()])
                #expect(linked.status == 200, "\(linked.json)")
                #expect(linked["DeviceJID"] == "\(Self.phone):1@s.whatsapp.net")
                let success = try await companion.log.wait { $0.node(tagged: "success") }
                #expect(success["lid"]?.jid == JID(user: lid, server: JID.lidServer, device: 1))
            }
        }
    }

    @Test func unlinkRemovesAConnectedDevice() async throws {
        try await SandboxFixture().run { info in
            let control = try ControlClient(info)
            _ = try await createAccount(control)
            let companion = TestCompanion(info)
            try await companion.run {
                let linked = try await control.post("/sandbox/link", ["Phone": Self.phone, "QR": try await companion.qr()])
                _ = try await companion.log.wait { $0.node(tagged: "success") }

                let notCompanion = try await control.post(
                    "/sandbox/unlink", ["Phone": Self.phone, "DeviceJID": "\(Self.phone)@s.whatsapp.net"])
                #expect(notCompanion.status == 400)
                let unknown = try await control.post(
                    "/sandbox/unlink", ["Phone": Self.phone, "DeviceJID": "\(Self.phone):9@s.whatsapp.net"])
                #expect(unknown.status == 404)

                let unlinked = try await control.post(
                    "/sandbox/unlink", ["Phone": Self.phone, "DeviceJID": linked["DeviceJID"]])
                #expect(unlinked.status == 200)
                _ = try await companion.log.wait { event -> Bool? in
                    if case .streamError(.deviceRemoved) = event { return true }
                    return nil
                }
                let listed = try await control.get("/sandbox/accounts")
                let accounts = try #require(listed.json["Accounts"] as? [[String: Any]])
                #expect((accounts.first?["Devices"] as? [Any])?.isEmpty == true)
            }
        }
    }
}
