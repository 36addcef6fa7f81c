import Foundation
import Testing
import WABinary
import WAMessaging
@testable import WagoSandbox

/// The `w:gp2` notifications of a LID-addressed group name members as WhatsApp's do (the
/// events.json vectors `groupinfo-participant-add` and `groupinfo-subject`):
/// `addressing_mode=lid`, the author as `participant=<lid>` with `participant_pn`, the subject's
/// setter as `s_o=<lid>` with `s_o_pn`, each member added, removed, promoted or demoted as
/// `<participant jid=<lid> phone_number=<pn>/>`, and the `<create>` group by LID with `phone_number`.
@Suite(.timeLimit(.minutes(1)))
struct GroupLIDNotificationTests: AliceAndBob {
    static let davePhone = "15550004444"

    let alice: MessagingCompanion
    let bob: MessagingCompanion

    init() throws {
        (alice, bob) = try Self.companions()
    }

    @Test func notificationsOfALIDGroupNameMembersByLIDWithTheirPhoneNumbers() async throws {
        let fixture = try await seededFixture()
        for (phone, name) in [(GroupTests.carolPhone, "Carol"), (Self.davePhone, "Dave")] {
            _ = try await fixture.server.accounts.createAccount(phone: phone, pushName: name)
        }
        var found: [String: JID] = [:]
        for phone in [Self.alicePhone, Self.bobPhone, GroupTests.carolPhone, Self.davePhone] {
            found[phone] = try #require(await fixture.server.accounts.account(phone: phone)).lidJID
        }
        let lids = found
        let pn = { (phone: String) in JID(user: phone, server: JID.userServer) }
        let lid = { (phone: String) in lids[phone] ?? pn(phone) }
        let (alicePhone, bobPhone, carolPhone, davePhone) = (Self.alicePhone, Self.bobPhone, GroupTests.carolPhone, Self.davePhone)
        try await fixture.run { info in
            let control = try ControlClient(info)
            let created = try await control.post(
                "/sandbox/groups",
                raw: #"{"Creator":"\#(alicePhone)","Participants":["\#(bobPhone)","\#(carolPhone)"],"Subject":"Trio","AddressingMode":"lid"}"#)
            #expect(created.status == 200, "\(created.json)")
            let group = try JID(parsing: created["JID"])
            try await bob.loggedIn(info) { _, bobLog in
                var seen: Set<String> = []
                /// The next new `w:gp2` stanza Bob's companion gets whose changes `tags` name,
                /// checked for what every notification of a LID group carries.
                func notification(_ tags: [String], by author: String) async throws -> Node {
                    let node = try await bobLog.wait { event in
                        event.node(tagged: "notification").flatMap {
                            $0["type"]?.description == "w:gp2" && $0.children.map(\.tag) == tags
                                && !seen.contains($0["id"]?.description ?? "") ? $0 : nil
                        }
                    }
                    seen.insert(node["id"]?.description ?? "")
                    #expect(node["from"]?.jid == group)
                    #expect(node["addressing_mode"]?.description == "lid", "\(tags)")
                    #expect(node["participant"]?.jid == lid(author), "\(tags)")
                    #expect(node["participant_pn"]?.jid == pn(author), "\(tags)")
                    let read = try #require(try GroupNotification(node))
                    #expect(read.sender == lid(author) && read.senderPN == pn(author))
                    return node
                }
                /// Changes `route` and returns its notification's one change.
                func change(_ route: String, _ body: String, tag: String, by author: String) async throws -> Node {
                    let answer = try await control.post("/sandbox/groups/\(route)", raw: body)
                    #expect(answer.status == 200, "\(route): \(answer.json)")
                    return try #require(try await notification([tag], by: author).children.first)
                }
                /// `<participant jid=<lid> phone_number=<pn>/>` of each of `phones`.
                func named(_ phones: [String]) -> [Node] {
                    phones.map { Node(tag: "participant", attributes: ["jid": .jid(lid($0)), "phone_number": .jid(pn($0))]) }
                }

                // <create>: the group by LID, each member with its phone number.
                let created = try #require(try GroupNotification(try await notification(["create"], by: alicePhone)))
                let creation = try #require(created.creation)
                #expect(creation.group.addressingMode == "lid")
                #expect(creation.group.participants == [alicePhone, bobPhone, carolPhone].map(lid))
                #expect(creation.group.participantAlternatives[lid(carolPhone)] == pn(carolPhone))
                #expect(creation.group.creator == lid(alicePhone) && creation.group.superAdmins == [lid(alicePhone)])
                #expect(creation.group.creatorPN == pn(alicePhone))

                let added = try await change(
                    "participants", #"{"Group":"\#(group)","Action":"add","Participants":["\#(davePhone)"]}"#, tag: "add",
                    by: alicePhone)
                #expect(added.children == named([davePhone]))
                #expect(added["v_id"] != nil)
                let promoted = try await change(
                    "admins", #"{"Group":"\#(group)","Action":"promote","Participants":["\#(bobPhone)","\#(davePhone)"]}"#,
                    tag: "promote", by: alicePhone)
                #expect(promoted.children == named([bobPhone, davePhone]))
                let demoted = try await change(
                    "admins", #"{"Group":"\#(group)","Action":"demote","Participants":["\#(davePhone)"]}"#, tag: "demote",
                    by: alicePhone)
                #expect(demoted.children == named([davePhone]))
                let renamed = try await change(
                    "subject", #"{"Group":"\#(group)","Subject":"Quarteto","By":"\#(bobPhone)"}"#, tag: "subject", by: bobPhone)
                #expect(renamed["s_o"]?.jid == lid(bobPhone) && renamed["s_o_pn"]?.jid == pn(bobPhone))
                let removed = try await change(
                    "participants", #"{"Group":"\#(group)","Action":"remove","Participants":["\#(davePhone)"],"By":"\#(bobPhone)"}"#,
                    tag: "remove", by: bobPhone)
                #expect(removed.children == named([davePhone]))
                let left = try await change(
                    "participants", #"{"Group":"\#(group)","Action":"leave","Participants":["\#(carolPhone)"]}"#, tag: "remove",
                    by: carolPhone)
                #expect(left.children == named([carolPhone]))
                let described = try await change(
                    "description", #"{"Group":"\#(group)","Description":"Só LIDs","By":"\#(bobPhone)"}"#, tag: "description",
                    by: bobPhone)
                #expect(described["id"] != nil)
            }
        }
    }
}
