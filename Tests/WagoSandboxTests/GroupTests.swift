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
/// check, devices notifications, membership, subject, admin, description, settings and invite
/// link changes announced as `w:gp2` notifications, chat states in a group, and the stanza
/// attributes of edits and revokes.
@Suite(.timeLimit(.minutes(1)))
struct GroupTests: AliceAndBob {
    static let carolPhone = "15550003333"

    let alice: MessagingCompanion
    let bob: MessagingCompanion

    init() throws {
        (alice, bob) = try Self.companions()
    }

    /// Alice and Bob with one companion each, Carol with her phone only.
    func trioFixture() async throws -> SandboxFixture {
        let fixture = try await seededFixture()
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
        let fixture = try await trioFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let group = try await Self.createGroup(control)
            try await bob.loggedIn(info) { bobSocket, bobLog in
                try await bob.uploadPreKeys(3, on: bobSocket)
                let senderKeys = TestSenderKeyStore()

                let metadata = try GroupInfoQuery.metadata(in: try await bobSocket.sendIQ(GroupInfoQuery.request(group: group)))
                #expect(metadata.jid == group)
                #expect(metadata.subject == "Trio")
                #expect(metadata.participants.map(\.user) == [Self.alicePhone, Self.bobPhone, Self.carolPhone])
                #expect(metadata.admins == [JID(user: Self.alicePhone, server: JID.userServer)])
                // By phone number, each member with its LID beside it (`lid`), as WhatsApp answers.
                for phone in [Self.alicePhone, Self.bobPhone, Self.carolPhone] {
                    let lid = try #require(await fixture.server.accounts.account(phone: phone)).lidJID
                    #expect(metadata.participantAlternatives[JID(user: phone, server: JID.userServer)] == lid)
                }

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
        let fixture = try await trioFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let group = try await Self.createGroup(control)
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                let account = try #require(await fixture.server.accounts.account(phone: Self.alicePhone))
                let members = await fixture.server.router.memberDevices(
                    of: try #require(await fixture.server.router.groups.group(group))).map(\.device)
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
        let fixture = try await trioFixture()
        let bobSpare = TestDevice(jid: JID(user: Self.bobPhone, server: JID.userServer, device: 9))
        try await fixture.seed(bobSpare)
        try await fixture.run { info in
            let control = try ControlClient(info)
            _ = try await Self.createGroup(control)
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
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
        let fixture = try await trioFixture()
        try await fixture.run { info in
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                try await bob.loggedIn(info) { bobSocket, bobLog in
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

    @Test func membershipChangesAreAnnouncedAndARemovedMemberGetsNothingNew() async throws {
        let fixture = try await trioFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let aliceUser = JID(user: Self.alicePhone, server: JID.userServer)
            let bobUser = JID(user: Self.bobPhone, server: JID.userServer)
            let carolUser = JID(user: Self.carolPhone, server: JID.userServer)
            // Bob's companion is offline when Alice creates the group: its <create> waits for it.
            let group = try await Self.createGroup(control)
            #expect(await fixture.server.router.offline.count(for: bob.device.jid) == 1)
            try await bob.loggedIn(info) { bobSocket, bobLog in
                try await bob.uploadPreKeys(3, on: bobSocket)
                let created = try await Self.groupNotification(bobLog) { $0.creation != nil }
                let creation = try #require(created.creation)
                #expect(created.group == group)
                #expect(created.sender == aliceUser)
                #expect(creation.type == "new")
                #expect(creation.group.participants == [aliceUser, bobUser, carolUser])
                #expect(creation.group.superAdmins == [aliceUser])
                #expect(creation.group.subject == "Trio")

                // Alice's phone sends; Bob's companion takes her key with it.
                let senderKeys = TestSenderKeyStore()
                let before = try await Self.phoneSend(control, from: Self.alicePhone, to: group, text: "before")
                let first = try await bob.receiveGroupMessage(id: before, log: bobLog, senderKeys: senderKeys)
                #expect(first.encTypes == ["pkmsg", "skmsg"])
                let unchanged = try await Self.phoneSend(control, from: Self.alicePhone, to: group, text: "again")
                #expect(try await bob.receiveGroupMessage(id: unchanged, log: bobLog, senderKeys: senderKeys).encTypes == ["skmsg"])

                // The admin removes Carol: the members before the change are told, Bob's companion among them.
                let removed = try await control.post(
                    "/sandbox/groups/participants",
                    raw: #"{"Group":"\#(group)","Action":"remove","Participants":["\#(Self.carolPhone)"]}"#)
                #expect(removed.status == 200, "\(removed.json)")
                #expect(removed.json["Participants"] as? [String] == [Self.alicePhone, Self.bobPhone])
                let removal = try await Self.groupNotification(bobLog) { !$0.participants(.remove).isEmpty }
                #expect(removal.participants(.remove) == [carolUser])
                #expect(removal.sender == aliceUser)
                #expect(removal.notify == "Seeded")
                guard case .participants(let change)? = removal.changes.first else {
                    Issue.record("not a participant change: \(removal.changes)")
                    return
                }
                #expect(!change.versionID.isEmpty && change.previousVersionID.isEmpty)

                // Alice's phone starts over with a new key, which Bob's companion gets; Carol's phone gets nothing.
                let after = try await Self.phoneSend(control, from: Self.alicePhone, to: group, text: "after")
                let second = try await bob.receiveGroupMessage(id: after, log: bobLog, senderKeys: senderKeys)
                #expect(second.encTypes.count == 2 && second.encTypes.last == "skmsg", "the new key came with it")
                #expect(second.message.message.conversation == "after")
                let carolInbox = try await MessagingTests.phoneMessages(control, Self.carolPhone, count: 2)
                #expect(carolInbox.map { ($0["Message"] as? [String: Any])?["conversation"] as? String } == ["before", "again"])

                let missing = "15550009999"
                let refusals: [(String, Int)] = [
                    (#"{"Group":"\#(group)","Action":"add","Participants":["\#(Self.bobPhone)"]}"#, 409),
                    (#"{"Group":"\#(group)","Action":"remove","Participants":["\#(Self.carolPhone)"]}"#, 404),
                    (#"{"Group":"\#(group)","Action":"add","Participants":["\#(Self.carolPhone)"],"By":"\#(Self.bobPhone)"}"#, 403),
                    (#"{"Group":"\#(group)","Action":"add","Participants":["\#(missing)"]}"#, 404),
                    (#"{"Group":"\#(group)","Action":"kick","Participants":["\#(Self.bobPhone)"]}"#, 400),
                    (#"{"Group":"\#(group)","Action":"add","Participants":[]}"#, 400),
                    (#"{"Group":"\#(Self.bobPhone)@s.whatsapp.net","Action":"add","Participants":["\#(Self.carolPhone)"]}"#, 400),
                    (#"{"Group":"120363000000000000@g.us","Action":"add","Participants":["\#(Self.carolPhone)"]}"#, 404),
                ]
                for (body, status) in refusals {
                    let refused = try await control.post("/sandbox/groups/participants", raw: body)
                    #expect(refused.status == status, "\(body): \(refused.json)")
                    #expect(!refused["error"].isEmpty)
                }

                // Bob renames the group, then leaves it: a leave is a member removing itself.
                let renamed = try await control.post(
                    "/sandbox/groups/subject", raw: #"{"Group":"\#(group)","Subject":"Duo","By":"\#(Self.bobPhone)"}"#)
                #expect(renamed["Subject"] == "Duo", "\(renamed.json)")
                let subject = try await Self.groupNotification(bobLog) { $0.changes.first?.node.tag == "subject" }
                guard case .subject(let name, let setAt, let setBy, let setByPN)? = subject.changes.first else {
                    Issue.record("not a subject change: \(subject.changes)")
                    return
                }
                #expect(name == "Duo" && setBy == bobUser && setByPN == nil && setAt == subject.timestamp)
                let left = try await control.post(
                    "/sandbox/groups/participants", raw: #"{"Group":"\#(group)","Action":"leave","Participants":["\#(Self.bobPhone)"]}"#)
                #expect(left.json["Participants"] as? [String] == [Self.alicePhone])
                let leave = try await Self.groupNotification(bobLog) { $0.sender == bobUser && !$0.participants(.remove).isEmpty }
                #expect(leave.participants(.remove) == [bobUser])
                let query = try await bobSocket.sendIQ(GroupInfoQuery.request(group: group))
                #expect(query["type"]?.description == "error", "Bob is no member any more")
            }
            // Alice's companion, offline throughout, has every notification waiting, in order.
            let waiting = try await fixture.server.router.offline.takeAll(for: alice.device.jid)
            let notifications = try waiting.compactMap { try GroupNotification($0) }
            #expect(notifications.map { $0.changes.map(\.node.tag) } == [["create"], ["remove"], ["subject"], ["remove"]])
        }
    }

    @Test func adminChangesAreAnnouncedInWhatsmeowsShapes() async throws {
        let fixture = try await trioFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let aliceUser = JID(user: Self.alicePhone, server: JID.userServer)
            let bobUser = JID(user: Self.bobPhone, server: JID.userServer)
            let group = try await Self.createGroup(control)
            try await bob.loggedIn(info) { bobSocket, bobLog in
                _ = try await Self.groupNotification(bobLog) { $0.creation != nil }
                var seen: Set<String> = []
                /// Posts `body` to `/sandbox/groups/<route>` and returns the answer and the
                /// `w:gp2` stanza Bob's companion then gets, the first new one whose changes `tags` name.
                func change(_ route: String, _ body: String, tags: [String]) async throws -> (json: [String: Any], node: Node) {
                    let answer = try await control.post("/sandbox/groups/\(route)", raw: body)
                    #expect(answer.status == 200, "\(route): \(answer.json)")
                    let node = try await bobLog.wait { event in
                        event.node(tagged: "notification").flatMap {
                            $0["type"]?.description == "w:gp2" && $0.children.map(\.tag) == tags
                                && !seen.contains($0["id"]?.description ?? "") ? $0 : nil
                        }
                    }
                    seen.insert(node["id"]?.description ?? "")
                    #expect(node["from"]?.jid == group)
                    // The client reads what the sandbox wrote, and writes it back the same.
                    let notification = try #require(try GroupNotification(node))
                    #expect(notification.node == node)
                    return (answer.json, node)
                }

                // Alice promotes Bob: <promote><participant jid lid/></promote>; he is an admin now.
                let promoted = try await change(
                    "admins", #"{"Group":"\#(group)","Action":"promote","Participants":["\#(Self.bobPhone)"]}"#, tags: ["promote"])
                #expect(promoted.node["participant"]?.jid == aliceUser)
                let bobLID = try #require(await fixture.server.accounts.account(phone: Self.bobPhone)).lidJID
                #expect(
                    promoted.node.children.first?.children
                        == [Node(tag: "participant", attributes: ["jid": .jid(bobUser), "lid": .jid(bobLID)])])
                #expect(promoted.json["Admins"] as? [String] == [Self.alicePhone, Self.bobPhone])
                let metadata = try GroupInfoQuery.metadata(in: try await bobSocket.sendIQ(GroupInfoQuery.request(group: group)))
                #expect(metadata.admins == [aliceUser, bobUser])
                #expect(metadata.superAdmins == [aliceUser])

                // Bob, an admin, sets the description: <description id><body>…</body></description>.
                let described = try await change(
                    "description", #"{"Group":"\#(group)","Description":"Só avisos","By":"\#(Self.bobPhone)"}"#,
                    tags: ["description"])
                #expect(described.node["participant"]?.jid == bobUser)
                let description = try #require(described.node.children.first)
                let descriptionID = try #require(description["id"]?.description)
                #expect(!descriptionID.isEmpty)
                #expect(description.children == [Node(tag: "body", content: .bytes(Array("Só avisos".utf8)))])
                #expect(described.json["Description"] as? String == "Só avisos")

                // Bob changes four settings at once: one notification, one child each.
                let settings = try await change(
                    "settings",
                    #"{"Group":"\#(group)","Announce":true,"Locked":true,"Ephemeral":"7d","JoinApproval":true,"By":"\#(Self.bobPhone)"}"#,
                    tags: ["announcement", "locked", "ephemeral", "membership_approval_mode"])
                let children = settings.node.children
                #expect(children[0]["v_id"].flatMap { Int64($0.description) } != nil)
                #expect(children[1] == Node(tag: "locked"))
                #expect(children[2] == Node(tag: "ephemeral", attributes: ["expiration": "604800"]))
                #expect(children[3].children == [Node(tag: "group_join", attributes: ["state": "on"])])
                #expect(settings.json["Locked"] as? Bool == true && settings.json["Announce"] as? Bool == true)
                #expect(settings.json["Ephemeral"] as? Int == 604_800 && settings.json["JoinApproval"] as? Bool == true)
                let locked = try GroupInfoQuery.metadata(in: try await bobSocket.sendIQ(GroupInfoQuery.request(group: group)))
                #expect(locked.isLocked && locked.isAnnounce)

                // Alice revokes the invite link: <invite code>, the code of the link she is answered.
                let link = try await change("link", #"{"Group":"\#(group)"}"#, tags: ["invite"])
                let code = try #require(link.node.children.first?["code"]?.description)
                #expect(code.count == 22 && code.allSatisfy { $0.isLetter || $0.isNumber })
                #expect(link.json["InviteLink"] as? String == "https://chat.whatsapp.com/\(code)")
                let relinked = try await change("link", #"{"Group":"\#(group)"}"#, tags: ["invite"])
                #expect(relinked.json["InviteLink"] as? String != link.json["InviteLink"] as? String)
                #expect(relinked.node.children.first?["code"]?.description != code)

                // A locked group's info is the admins' to edit; Carol is none.
                let carolEdits = [
                    ("subject", #"{"Group":"\#(group)","Subject":"Nosso","By":"\#(Self.carolPhone)"}"#),
                    ("description", #"{"Group":"\#(group)","Description":"Meu","By":"\#(Self.carolPhone)"}"#),
                    ("settings", #"{"Group":"\#(group)","Locked":false,"By":"\#(Self.carolPhone)"}"#),
                    ("link", #"{"Group":"\#(group)","By":"\#(Self.carolPhone)"}"#),
                    ("admins", #"{"Group":"\#(group)","Action":"promote","Participants":["\#(Self.carolPhone)"],"By":"\#(Self.carolPhone)"}"#),
                ]
                for (route, body) in carolEdits {
                    let refused = try await control.post("/sandbox/groups/\(route)", raw: body)
                    #expect(refused.status == 403, "\(route): \(refused.json)")
                }

                // Alice demotes Bob, and turns everything back: the other four children.
                let demoted = try await change(
                    "admins", #"{"Group":"\#(group)","Action":"demote","Participants":["\#(Self.bobPhone)"]}"#, tags: ["demote"])
                #expect(demoted.json["Admins"] as? [String] == [Self.alicePhone])
                let bobRefused = try await control.post(
                    "/sandbox/groups/settings", raw: #"{"Group":"\#(group)","Locked":false,"By":"\#(Self.bobPhone)"}"#)
                #expect(bobRefused.status == 403, "\(bobRefused.json)")
                let reset = try await change(
                    "settings", #"{"Group":"\#(group)","Announce":false,"Locked":false,"Ephemeral":"off","JoinApproval":false}"#,
                    tags: ["not_announcement", "unlocked", "not_ephemeral", "membership_approval_mode"])
                #expect(reset.node.children[3].children == [Node(tag: "group_join", attributes: ["state": "off"])])
                #expect(reset.node.children[0]["v_id"] != children[0]["v_id"])

                // Deleting the description: <description id><delete/></description>.
                let deleted = try await change(
                    "description", #"{"Group":"\#(group)","Description":""}"#, tags: ["description"])
                #expect(deleted.node.children.first?.children == [Node(tag: "delete")])
                #expect(deleted.json["Description"] as? String == "")

                let refusals: [(String, String, Int)] = [
                    ("admins", #"{"Group":"\#(group)","Action":"demote","Participants":["\#(Self.alicePhone)"]}"#, 409),
                    ("admins", #"{"Group":"\#(group)","Action":"demote","Participants":["\#(Self.bobPhone)"]}"#, 409),
                    ("admins", #"{"Group":"\#(group)","Action":"crown","Participants":["\#(Self.bobPhone)"]}"#, 400),
                    ("admins", #"{"Group":"\#(group)","Action":"promote","Participants":["15550009999"]}"#, 404),
                    ("settings", #"{"Group":"\#(group)"}"#, 400),
                    ("settings", #"{"Group":"\#(group)","Ephemeral":"1h"}"#, 400),
                    ("description", #"{"Group":"\#(group)","Description":""}"#, 409),
                    ("description", #"{"Group":"\#(group)"}"#, 400),
                    ("link", #"{"Group":"120363000000000000@g.us"}"#, 404),
                ]
                for (route, body, status) in refusals {
                    let refused = try await control.post("/sandbox/groups/\(route)", raw: body)
                    #expect(refused.status == status, "\(route) \(body): \(refused.json)")
                    #expect(!refused["error"].isEmpty)
                }
            }
            // Alice's companion, offline throughout, has them all waiting, in order.
            let waiting = try await fixture.server.router.offline.takeAll(for: alice.device.jid)
            let tags = try waiting.compactMap { try GroupNotification($0) }.map { $0.changes.map(\.node.tag) }
            #expect(
                tags == [
                    ["create"], ["promote"], ["description"], ["announcement", "locked", "ephemeral", "membership_approval_mode"],
                    ["invite"], ["invite"], ["demote"], ["not_announcement", "unlocked", "not_ephemeral", "membership_approval_mode"],
                    ["description"],
                ])
        }
    }

    @Test func chatStatesInAGroupReachTheOtherMembers() async throws {
        let fixture = try await trioFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let group = try await Self.createGroup(control)
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                try await bob.loggedIn(info) { bobSocket, bobLog in
                    try await aliceSocket.send(
                        Node(tag: "chatstate", attributes: ["to": .jid(group)], content: .nodes([Node(tag: "composing")])))
                    let state = try await bobLog.wait { $0.node(tagged: "chatstate") }
                    #expect(state["from"]?.jid == group)
                    #expect(state["participant"]?.jid == alice.user)
                    #expect(state.children.map(\.tag) == ["composing"])
                    // Carol's phone saw it too; Alice's own devices do not get it back.
                    var seen: [[String: Any]] = []
                    for _ in 0..<100 where seen.isEmpty {
                        seen = try await control.get("/sandbox/presences", query: ["Phone": Self.carolPhone]).json["Presences"]
                            as? [[String: Any]] ?? []
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    #expect(seen.first?["From"] as? String == group.description)
                    #expect(seen.first?["Participant"] as? String == alice.user.description)
                    #expect(seen.first?["State"] as? String == "composing")
                    #expect(await aliceLog.events.allSatisfy { $0.node(tagged: "chatstate") == nil })
                    // A phone types in the group through the control API.
                    let typed = try await control.post(
                        "/sandbox/chatpresence", raw: #"{"From":"\#(Self.carolPhone)","To":"\#(group)","State":"paused"}"#)
                    #expect(typed.status == 200, "\(typed.json)")
                    let paused = try await aliceLog.wait { $0.node(tagged: "chatstate") }
                    #expect(paused["participant"]?.jid == JID(user: Self.carolPhone, server: JID.userServer))
                    #expect(paused.children.map(\.tag) == ["paused"])
                }
            }
            let outsider = try await control.post(
                "/sandbox/chatpresence", raw: #"{"From":"\#(Self.carolPhone)","To":"120363000000000000@g.us","State":"paused"}"#)
            #expect(outsider.status == 404)
        }
    }

    /// Waits for the first group notification `matches` accepts.
    static func groupNotification(_ log: EventLog, _ matches: @escaping @Sendable (GroupNotification) -> Bool) async throws
        -> GroupNotification
    {
        try await log.wait { event in
            guard let node = event.node(tagged: "notification"), let notification = try? GroupNotification(node) else {
                return nil
            }
            return matches(notification) ? notification : nil
        }
    }

    /// A group message with a placeholder skmsg: the server routes without reading it.
    static func skmsgStanza(id: String, to group: JID, phash: String) -> Node {
        Node(
            tag: "message", attributes: ["id": .string(id), "to": .jid(group), "type": "text", "phash": .string(phash)],
            content: .nodes([Node(tag: "enc", attributes: ["v": "2", "type": "skmsg"], content: .bytes([0x33, 1, 2, 3]))]))
    }
}
