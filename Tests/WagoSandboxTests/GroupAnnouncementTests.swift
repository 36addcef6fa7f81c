import Foundation
import Testing
import WABinary
import WAMessaging
import WATransport
@testable import WagoSandbox

/// An announcement group (`Announce`): only its admins send there. A non-admin's phone is
/// answered 403 naming the rule, a non-admin's companion gets `<ack error=403>`, and nothing of
/// either reaches the other members.
@Suite(.timeLimit(.minutes(1)))
struct GroupAnnouncementTests: AliceAndBob {
    let alice: MessagingCompanion
    let bob: MessagingCompanion

    init() throws {
        (alice, bob) = try Self.companions()
    }

    @Test func onlyAdminsSendToAnAnnouncementGroup() async throws {
        let fixture = try await seededFixture()
        _ = try await fixture.server.accounts.createAccount(phone: GroupTests.carolPhone, pushName: "Carol")
        try await fixture.run { info in
            let control = try ControlClient(info)
            let group = try await GroupTests.createGroup(control)
            let announced = try await control.post("/sandbox/groups/settings", raw: #"{"Group":"\#(group)","Announce":true}"#)
            #expect(announced.status == 200, "\(announced.json)")

            // Bob's phone, no admin: refused, and the error names the rule.
            let refused = try await control.post(
                "/sandbox/send", raw: #"{"From":"\#(Self.bobPhone)","To":"\#(group)","Message":{"conversation":"posso?"}}"#)
            #expect(refused.status == 403, "\(refused.json)")
            #expect(refused["error"].contains("only admins send") && refused["error"].contains("announcement"), "\(refused.json)")

            try await alice.loggedIn(info) { _, aliceLog in
                try await bob.loggedIn(info) { bobSocket, bobLog in
                    /// Sends a group message from Bob's companion and returns the server's ack.
                    func bobSends(_ id: String) async throws -> Node {
                        try await bobSocket.send(GroupTests.skmsgStanza(id: id, to: group, phash: "2:AAAAAAAA"))
                        return try await bobLog.wait { $0.node(tagged: "ack").flatMap { $0["id"]?.description == id ? $0 : nil } }
                    }
                    // Bob's companion, no admin: the ack refuses it with 403.
                    let refusedAck = try await bobSends("3EB0AA00000000000001")
                    #expect(refusedAck["error"]?.description == "403")
                    #expect(refusedAck["from"]?.jid == group)

                    // Alice, the admin, sends; then promotes Bob, who may send now.
                    _ = try await GroupTests.phoneSend(control, from: Self.alicePhone, to: group, text: "aviso")
                    let promoted = try await control.post(
                        "/sandbox/groups/admins", raw: #"{"Group":"\#(group)","Action":"promote","Participants":["\#(Self.bobPhone)"]}"#)
                    #expect(promoted.status == 200, "\(promoted.json)")
                    _ = try await GroupTests.phoneSend(control, from: Self.bobPhone, to: group, text: "agora posso")
                    let acceptedAck = try await bobSends("3EB0AA00000000000002")
                    #expect(acceptedAck["error"] == nil)

                    // Alice's companion got Bob's second message, never the refused one (one device's copies come in order).
                    _ = try await aliceLog.wait {
                        $0.node(tagged: "message").flatMap { $0["id"]?.description == "3EB0AA00000000000002" ? $0 : nil }
                    }
                    #expect(await aliceLog.events.allSatisfy { $0.node(tagged: "message")?["id"]?.description != "3EB0AA00000000000001" })
                }
            }
            // Carol's phone has the admins' messages only.
            let carolInbox = try await MessagingTests.phoneMessages(control, GroupTests.carolPhone, count: 2)
            let texts = carolInbox.compactMap { ($0["Message"] as? [String: Any])?["conversation"] as? String }
            #expect(texts == ["aviso", "agora posso"])
        }
    }
}
