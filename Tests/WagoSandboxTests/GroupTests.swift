import Foundation
import Testing
import WABinary
import WAMessaging
import WAProto
import SwiftProtobuf
import WASignal
import WATransport
@testable import WagoSandbox

/// Groups in the sandbox: creation and the `w:g2` query, messages with sender keys between
/// virtual phones and a companion (the key distributed once per device), the server's `phash`
/// check, devices notifications, and the stanza attributes of edits and revokes.
@Suite(.timeLimit(.minutes(1)))
struct GroupTests {
    static let alicePhone = "15550001111"
    static let bobPhone = "15550002222"
    static let carolPhone = "15550003333"

    let alice: MessagingCompanion
    let bob: MessagingCompanion

    init() throws {
        alice = try MessagingCompanion(phone: Self.alicePhone, deviceID: 7)
        bob = try MessagingCompanion(phone: Self.bobPhone, deviceID: 3)
    }

    /// Alice and Bob with one companion each, Carol with her phone only.
    func seededFixture() async throws -> SandboxFixture {
        let fixture = try SandboxFixture()
        try await fixture.seed(alice.device)
        try await fixture.seed(bob.device)
        _ = try await fixture.server.accounts.createAccount(phone: Self.carolPhone, pushName: "Carol")
        return fixture
    }

    /// `POST /sandbox/groups` of Alice (creator), Bob and Carol.
    static func createGroup(_ control: ControlClient) async throws -> JID {
        let created = try await control.post(
            "/sandbox/groups",
            raw: #"{"Creator":"\#(alicePhone)","Participants":["\#(bobPhone)","\#(carolPhone)"],"Subject":"Trio"}"#)
        #expect(created.status == 200, "\(created.json)")
        let group = try JID(parsing: created["JID"])
        #expect(group.server == JID.groupServer)
        return group
    }

    static func phoneSend(_ control: ControlClient, from phone: String, to group: JID, text: String) async throws -> String {
        let sent = try await control.post(
            "/sandbox/send", raw: #"{"From":"\#(phone)","To":"\#(group)","Message":{"conversation":"\#(text)"}}"#)
        #expect(sent.status == 200, "\(sent.json)")
        return sent["ID"]
    }

    @Test func phonesAndACompanionExchangeGroupMessagesWithSenderKeys() async throws {
        let fixture = try await seededFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let group = try await Self.createGroup(control)
            let bobSocket = makeSocket(info, device: bob.device, payload: bob.device.login)
            try await withSocket(bobSocket) { bobLog in
                try await bob.logIn(bobSocket, bobLog)
                try await bob.uploadPreKeys(3, on: bobSocket)
                let senderKeys = TestSenderKeyStore()

                let metadata = try GroupInfoQuery.metadata(in: try await bobSocket.sendIQ(GroupInfoQuery.request(group: group)))
                #expect(metadata.jid == group)
                #expect(metadata.subject == "Trio")
                #expect(metadata.participants.map(\.user) == [Self.alicePhone, Self.bobPhone, Self.carolPhone])
                #expect(metadata.admins == [JID(user: Self.alicePhone, server: JID.userServer)])

                // Alice's phone: Bob's companion gets the sender key once, then the skmsg alone.
                let aliceDevice = JID(user: Self.alicePhone, server: JID.userServer)
                for (index, text) in ["one", "two"].enumerated() {
                    let id = try await Self.phoneSend(control, from: Self.alicePhone, to: group, text: text)
                    let stanza = try await bobLog.wait { event in
                        event.node(tagged: "message").flatMap { $0["id"]?.description == id ? $0 : nil }
                    }
                    #expect(stanza["from"]?.jid == group)
                    #expect(stanza["participant"]?.jid == aliceDevice)
                    let encTypes = stanza.children(tagged: "enc").compactMap { $0["type"]?.description }
                    #expect(encTypes == (index == 0 ? ["pkmsg", "skmsg"] : ["skmsg"]))
                    let received = try await ReceivedMessage.decrypt(
                        stanza, ownUser: bob.user, store: bob.store, senderKeys: senderKeys)
                    #expect(received.message.conversation == text)
                    #expect(received.chat == group && received.isGroup)
                    #expect(received.sender == aliceDevice)
                    #expect(!received.isFromMe)
                }
                // Bob's and Carol's phones read both; Carol's phone answers, and both others read it.
                for phone in [Self.bobPhone, Self.carolPhone] {
                    let inbox = try await MessagingTests.phoneMessages(control, phone, count: 2)
                    #expect(inbox.map { ($0["Message"] as? [String: Any])?["conversation"] as? String } == ["one", "two"])
                    #expect(inbox.allSatisfy { $0["Chat"] as? String == group.description })
                }
                let reply = try await Self.phoneSend(control, from: Self.carolPhone, to: group, text: "three")
                let stanza = try await bobLog.wait { event in
                    event.node(tagged: "message").flatMap { $0["id"]?.description == reply ? $0 : nil }
                }
                let received = try await ReceivedMessage.decrypt(stanza, ownUser: bob.user, store: bob.store, senderKeys: senderKeys)
                #expect(received.message.conversation == "three")
                #expect(received.sender == JID(user: Self.carolPhone, server: JID.userServer))
                let aliceInbox = try await MessagingTests.phoneMessages(control, Self.alicePhone, count: 1)
                #expect(aliceInbox.first?["From"] as? String == "\(Self.carolPhone)@s.whatsapp.net")
                #expect(aliceInbox.first?["Chat"] as? String == group.description)
                _ = try await MessagingTests.phoneMessages(control, Self.bobPhone, count: 3)
            }
        }
    }

    @Test func groupMessagesAreCheckedAndStaleParticipantHashesAnswered() async throws {
        let fixture = try await seededFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let group = try await Self.createGroup(control)
            let aliceSocket = makeSocket(info, device: alice.device, payload: alice.device.login)
            try await withSocket(aliceSocket) { aliceLog in
                try await alice.logIn(aliceSocket, aliceLog)
                let account = try #require(await fixture.server.accounts.account(phone: Self.alicePhone))
                let members = await fixture.server.router.devices(
                    of: try #require(await fixture.server.router.groups.group(group)))
                #expect(members.count == 5)
                #expect(members.contains(account.deviceJID(7)))

                // A matching phash: a plain ack. A stale one: the ack names the server's.
                let current = ParticipantHash.of(members)
                for (phash, expected) in [(current, nil), ("2:AAAAAAAA", current)] as [(String, String?)] {
                    let id = MessageID.generate(ownUser: Self.alicePhone)
                    try await aliceSocket.send(Self.skmsgStanza(id: id, to: group, phash: phash))
                    let ack = try await aliceLog.wait { $0.node(tagged: "ack").flatMap { $0["id"]?.description == id ? $0 : nil } }
                    #expect(ack["error"] == nil)
                    #expect(ack["from"]?.jid == group)
                    #expect(ack["phash"]?.description == expected)
                }
                // Not a member, no such group, a device that is not a member's.
                let outsiders = try await control.post(
                    "/sandbox/groups", raw: #"{"Creator":"\#(Self.bobPhone)","Participants":["\#(Self.carolPhone)"],"Subject":"Duo"}"#)
                let refusals: [(Node, String)] = [
                    (Self.skmsgStanza(id: "3EB0A1", to: try JID(parsing: outsiders["JID"]), phash: current), "403"),
                    (Self.skmsgStanza(id: "3EB0A2", to: JID(user: "120363000000000000", server: JID.groupServer), phash: current), "404"),
                ]
                for (stanza, code) in refusals {
                    try await aliceSocket.send(stanza)
                    let id = stanza["id"]?.description
                    let ack = try await aliceLog.wait { $0.node(tagged: "ack").flatMap { $0["id"]?.description == id ? $0 : nil } }
                    #expect(ack["error"]?.description == code)
                }
                let duo = try JID(parsing: outsiders["JID"])
                await #expect(throws: IQRefusal.forbidden("\(alice.device.jid) is not in \(duo)")) {
                    try await fixture.server.router.groupInfo(GroupInfoQuery.request(group: duo), asker: alice.device.jid)
                }
            }
        }
    }

    @Test func unlinkingADeviceNotifiesItsPeersAndTheCacheFollows() async throws {
        let fixture = try await seededFixture()
        let bobSpare = TestDevice(jid: JID(user: Self.bobPhone, server: JID.userServer, device: 9))
        try await fixture.seed(bobSpare)
        try await fixture.run { info in
            let control = try ControlClient(info)
            _ = try await Self.createGroup(control)
            let aliceSocket = makeSocket(info, device: alice.device, payload: alice.device.login)
            try await withSocket(aliceSocket) { aliceLog in
                try await alice.logIn(aliceSocket, aliceLog)
                let cache = UserDevicesCache()
                let listed = try await cache.devices(of: [bob.user]) {
                    try DeviceListQuery.devices(in: try await aliceSocket.sendIQ(DeviceListQuery.request(users: $0)))
                }
                #expect(listed == [bob.user, bob.device.jid, bobSpare.jid])

                let unlinked = try await control.post(
                    "/sandbox/unlink", ["Phone": Self.bobPhone, "DeviceJID": bobSpare.jid.description])
                #expect(unlinked.status == 200)
                let node = try await aliceLog.wait { event in
                    event.node(tagged: "notification").flatMap { $0["type"]?.description == "devices" ? $0 : nil }
                }
                let notification = try #require(try DeviceNotification(node))
                #expect(notification.user == bob.user)
                #expect(notification.change == .remove)
                #expect(notification.device == bobSpare.jid)
                await cache.apply(notification)
                let after = try await cache.devices(of: [bob.user]) { _ in
                    Issue.record("the notification kept the list, no usync needed")
                    return []
                }
                #expect(after == [bob.user, bob.device.jid])
            }
        }
    }

    @Test func devicesCacheDropsAListWhoseHashDoesNotMatch() async throws {
        let bobUser = JID(user: Self.bobPhone, server: JID.userServer)
        let devices = [bobUser, JID(user: Self.bobPhone, server: JID.userServer, device: 3)]
        let added = JID(user: Self.bobPhone, server: JID.userServer, device: 4)
        let cache = UserDevicesCache()
        _ = try await cache.devices(of: [bobUser]) { _ in devices }
        await cache.apply(
            DeviceNotification(user: bobUser, change: .add, device: added, deviceHash: ParticipantHash.of(devices + [added])))
        #expect(try await cache.devices(of: [bobUser]) { _ in [] } == devices + [added])
        await cache.apply(DeviceNotification(user: bobUser, change: .remove, device: added, deviceHash: "2:AAAAAAAA"))
        #expect(try await cache.devices(of: [bobUser]) { _ in devices } == devices, "fetched again")
    }

    @Test func editsAndRevokesCarryTheirStanzaAttributes() async throws {
        let key = { (fromMe: Bool) in
            var key = WACommon_MessageKey()
            key.id = "3EB0AAAABBBBCCCCDDDD11"
            key.fromMe = fromMe
            return key
        }
        var edit = WAE2E_Message()
        edit.protocolMessage.type = .messageEdit
        edit.protocolMessage.key = key(true)
        edit.protocolMessage.editedMessage.conversation = "fixed"
        var revoke = WAE2E_Message()
        revoke.protocolMessage.type = .revoke
        revoke.protocolMessage.key = key(true)
        var adminRevoke = revoke
        adminRevoke.protocolMessage.key = key(false)
        var unreact = WAE2E_Message()
        unreact.reactionMessage.key = key(false)
        var poll = WAE2E_Message()
        poll.pollCreationMessage.name = "lunch?"
        var image = WAE2E_Message()
        image.imageMessage.mimetype = "image/jpeg"
        for (message, type, editAttribute) in [
            (edit, "text", "1"), (revoke, "text", "7"), (adminRevoke, "text", "8"), (unreact, "reaction", "7"),
            (poll, "poll", nil), (image, "media", nil), (MessagingCompanion.text("plain"), "text", nil),
        ] as [(WAE2E_Message, String, String?)] {
            #expect(MessageAttributes.stanzaType(of: message) == type)
            #expect(MessageAttributes.edit(of: message) == editAttribute)
        }
        var wrappedEdit = WAE2E_Message()
        wrappedEdit.editedMessage.message = edit
        #expect(MessageAttributes.edit(of: wrappedEdit) == "1")
        let group = try JID(parsing: "120363000000000001@g.us")
        #expect(MessageAttributes.trailingNodes(of: poll, to: group).first?["polltype"]?.description == "creation")
        var buttons = WAE2E_Message()
        buttons.viewOnceMessage.message.interactiveMessage.nativeFlowMessage.buttons = [.with { $0.name = "quick_reply" }]
        let trailing = MessageAttributes.trailingNodes(of: buttons, to: try JID(parsing: "5511999990000@s.whatsapp.net"))
        #expect(trailing.map(\.tag) == ["biz", "bot"])
        #expect(trailing.first?.child(tagged: "interactive")?.child(tagged: "native_flow")?["name"]?.description == "mixed")
        #expect(MessageAttributes.trailingNodes(of: buttons, to: group).map(\.tag) == ["biz"])
        var pix = WAE2E_Message()
        pix.interactiveMessage.nativeFlowMessage.buttons = [.with { $0.name = "payment_info" }]
        #expect(MessageAttributes.trailingNodes(of: pix, to: group).first?["native_flow_name"]?.description == "payment_info")
        #expect(MessageAttributes.encAttributes(of: image)["mediatype"]?.description == "image")
        #expect(MessageAttributes.encAttributes(of: revoke)["decrypt-fail"]?.description == "hide")

        // Through the sandbox: Alice's companion sends the edit, Bob's gets it with edit=1.
        let fixture = try await seededFixture()
        try await fixture.run { info in
            let aliceSocket = makeSocket(info, device: alice.device, payload: alice.device.login)
            let bobSocket = makeSocket(info, device: bob.device, payload: bob.device.login)
            try await withSocket(aliceSocket) { aliceLog in
                try await alice.logIn(aliceSocket, aliceLog)
                try await withSocket(bobSocket) { bobLog in
                    try await bob.logIn(bobSocket, bobLog)
                    try await bob.uploadPreKeys(2, on: bobSocket)
                    let sent = try await alice.send(edit, to: bob.user, on: aliceSocket)
                    #expect(sent["edit"]?.description == "1")
                    #expect(sent["type"]?.description == "text")
                    let (stanza, received) = try await bob.receive(id: try #require(sent["id"]?.description), on: bobSocket, bobLog)
                    #expect(stanza["edit"]?.description == "1")
                    #expect(received.edit == "1")
                    #expect(received.message.protocolMessage.editedMessage.conversation == "fixed")
                }
            }
        }
    }

    /// A group message with a placeholder skmsg: the server routes without reading it.
    static func skmsgStanza(id: String, to group: JID, phash: String) -> Node {
        Node(
            tag: "message", attributes: ["id": .string(id), "to": .jid(group), "type": "text", "phash": .string(phash)],
            content: .nodes([Node(tag: "enc", attributes: ["v": "2", "type": "skmsg"], content: .bytes([0x33, 1, 2, 3]))]))
    }
}
