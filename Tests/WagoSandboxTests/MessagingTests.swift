import Foundation
import Logging
import Testing
import WABinary
import WAMessaging
import WAProto
import WATransport
@testable import WagoSandbox

/// Messages between accounts through the sandbox with real Signal encryption: companions using
/// WAMessaging as the gateway's client does, offline queues, receipts, and the virtual phones
/// sending (`POST /sandbox/send`) and receiving (`GET /sandbox/messages`).
@Suite(.timeLimit(.minutes(1)))
struct MessagingTests: AliceAndBob {
    let alice: MessagingCompanion
    let bob: MessagingCompanion

    init() throws {
        (alice, bob) = try Self.companions()
    }

    @Test func companionsExchangeMessagesWithRealEncryption() async throws {
        let fixture = try await seededFixture()
        try await fixture.run { info in
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                try await bob.loggedIn(info) { bobSocket, bobLog in
                    try await bob.uploadPreKeys(3, on: bobSocket)

                    let nobody = JID(user: "15550009999", server: JID.userServer)
                    let listed = try DeviceListQuery.devices(
                        in: try await aliceSocket.sendIQ(DeviceListQuery.request(users: [bob.user, nobody])))
                    #expect(listed == [bob.user, bob.device.jid])

                    let before = Int64(Date().timeIntervalSince1970)
                    let sent = try await alice.send(MessagingCompanion.text("hello bob"), to: bob.user, on: aliceSocket)
                    let id = try #require(sent["id"]?.description)
                    let ack = try await aliceLog.wait { $0.node(tagged: "ack").flatMap { $0["id"]?.description == id ? $0 : nil } }
                    #expect(ack["class"]?.description == "message")
                    #expect(ack["from"]?.jid == bob.user)
                    #expect(ack["error"] == nil)
                    let t = try #require(ack["t"].flatMap { Int64($0.description) })
                    #expect(t >= before && t <= Int64(Date().timeIntervalSince1970))

                    let (stanza, received) = try await bob.receive(id: id, on: bobSocket, bobLog)
                    #expect(received.message.conversation == "hello bob")
                    #expect(received.chat == alice.user)
                    #expect(!received.isFromMe)
                    #expect(stanza["from"]?.jid == alice.device.jid)
                    #expect(stanza["t"]?.description == String(t))
                    #expect(stanza["type"]?.description == "text")
                    #expect(stanza["notify"]?.description == "Seeded")
                    #expect(stanza["recipient"] == nil)
                    #expect(stanza.child(tagged: "enc")?["type"]?.description == "pkmsg")
                    // The session used one of the prekeys bob uploaded, which the server handed out once.
                    #expect(await fixture.server.accounts.keys(of: bob.device.jid)?.preKeys.count == 2)

                    // Bob's delivery receipt, and his phone's, reach Alice.
                    for sender in [bob.device.jid, bob.user] {
                        let receipt = try await aliceLog.wait { event in
                            event.node(tagged: "receipt").flatMap {
                                $0["id"]?.description == id && $0["from"]?.jid == sender ? $0 : nil
                            }
                        }
                        #expect(receipt["t"] != nil)
                        #expect(receipt["type"] == nil)
                    }

                    // Both phones decrypted their copies: Bob's the message, Alice's the DeviceSentMessage.
                    let control = try ControlClient(info)
                    let bobPhone = try await Self.phoneMessages(control, Self.bobPhone, count: 1)
                    #expect(bobPhone[0]["ID"] as? String == id)
                    #expect(bobPhone[0]["From"] as? String == alice.device.jid.description)
                    #expect(bobPhone[0]["Chat"] as? String == alice.user.description)
                    #expect(bobPhone[0]["Timestamp"] as? Int == Int(t))
                    #expect((bobPhone[0]["Message"] as? [String: Any])?["conversation"] as? String == "hello bob")
                    let alicePhone = try await Self.phoneMessages(control, Self.alicePhone, count: 1)
                    #expect(alicePhone[0]["From"] as? String == alice.device.jid.description)
                    #expect(alicePhone[0]["Chat"] as? String == bob.user.description)
                    #expect((alicePhone[0]["Message"] as? [String: Any])?["conversation"] as? String == "hello bob")

                    // Bob answers on the session Alice started.
                    let reply = try await bob.send(MessagingCompanion.text("hi alice"), to: alice.user, on: bobSocket)
                    let replyTo = try #require(reply.child(tagged: "participants")?.children.first { $0["jid"]?.jid == alice.device.jid })
                    #expect(replyTo.child(tagged: "enc")?["type"]?.description == "msg")
                    let (_, answer) = try await alice.receive(id: try #require(reply["id"]?.description), on: aliceSocket, aliceLog)
                    #expect(answer.message.conversation == "hi alice")
                    #expect(answer.chat == bob.user)
                }
            }
        }
    }

    @Test func offlineDeviceGetsItsMessagesBeforeTheOfflineCount() async throws {
        let fixture = try await seededFixture()
        try await fixture.run { info in
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                let sent = try await alice.send(MessagingCompanion.text("while you were out"), to: bob.user, on: aliceSocket)
                let id = try #require(sent["id"]?.description)
                let ack = try await aliceLog.wait { $0.node(tagged: "ack").flatMap { $0["id"]?.description == id ? $0 : nil } }
                #expect(ack["error"] == nil)
                #expect(await fixture.server.router.offline.count(for: bob.device.jid) == 1)

                try await bob.loggedIn(info) { bobSocket, bobLog in
                    let (_, received) = try await bob.receive(id: id, on: bobSocket, bobLog)
                    #expect(received.message.conversation == "while you were out")
                    let offline = try await bobLog.wait { $0.node(tagged: "ib")?.child(tagged: "offline") }
                    #expect(offline["count"]?.description == "1")
                    let events = await bobLog.events
                    let messageIndex = try #require(events.firstIndex { $0.node(tagged: "message") != nil })
                    let offlineIndex = try #require(events.firstIndex { $0.node(tagged: "ib") != nil })
                    #expect(messageIndex < offlineIndex)
                    #expect(await fixture.server.router.offline.count(for: bob.device.jid) == 0)
                    // The delivery receipt reaches Alice.
                    _ = try await aliceLog.wait { event in
                        event.node(tagged: "receipt").flatMap { $0["from"]?.jid == bob.device.jid ? $0 : nil }
                    }
                }
            }
        }
    }

    @Test func phoneSendsToACompanionAndCopiesItsOwnCompanion() async throws {
        let fixture = try await seededFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                try await bob.loggedIn(info) { bobSocket, bobLog in
                    let sent = try await control.post(
                        "/sandbox/send",
                        raw: #"{"From":"\#(Self.bobPhone)","To":"\#(alice.user)","Message":{"conversation":"from bob's phone"}}"#)
                    #expect(sent.status == 200, "\(sent.json)")
                    let id = sent["ID"]
                    #expect(id.hasPrefix("3EB0") && id.count == 22)
                    let timestamp = try #require(sent.json["Timestamp"] as? Int)

                    let (stanza, received) = try await alice.receive(id: id, on: aliceSocket, aliceLog)
                    #expect(received.message.conversation == "from bob's phone")
                    #expect(received.sender == JID(user: Self.bobPhone, server: JID.userServer))
                    #expect(received.chat == bob.user)
                    #expect(stanza["t"]?.description == String(timestamp))

                    let (copy, own) = try await bob.receive(id: id, on: bobSocket, bobLog)
                    #expect(own.isFromMe)
                    #expect(own.chat == alice.user)
                    #expect(own.message.conversation == "from bob's phone")
                    #expect(copy["recipient"]?.jid == alice.user)

                    // Alice's receipt reaches Bob's companion; Alice's phone decrypted its copy too.
                    _ = try await bobLog.wait { event in
                        event.node(tagged: "receipt").flatMap {
                            $0["id"]?.description == id && $0["from"]?.jid == alice.device.jid ? $0 : nil
                        }
                    }
                    let alicePhone = try await Self.phoneMessages(control, Self.alicePhone, count: 1)
                    #expect(alicePhone[0]["From"] as? String == bob.user.description)
                    #expect((alicePhone[0]["Message"] as? [String: Any])?["conversation"] as? String == "from bob's phone")
                }
            }
        }
    }

    /// Like WhatsApp, the server keeps a delivered message until the device acks it: a
    /// connection that ends first returns it to the offline queue for the next login.
    @Test func unackedMessagesComeAgainAtTheNextLogin() async throws {
        let fixture = try await seededFixture()
        try await fixture.run { info in
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                let sent = try await alice.send(MessagingCompanion.text("ack me"), to: bob.user, on: aliceSocket)
                let id = try #require(sent["id"]?.description)
                _ = try await aliceLog.wait { $0.node(tagged: "ack").flatMap { $0["id"]?.description == id ? $0 : nil } }
                /// Logs Bob in, waits for the message, acks it or not, and hangs up.
                func bobLogsIn(acking: Bool) async throws {
                    try await bob.loggedIn(info) { bobSocket, bobLog in
                        let stanza = try await bobLog.wait { event in
                            event.node(tagged: "message").flatMap { $0["id"]?.description == id ? $0 : nil }
                        }
                        if acking { try await bobSocket.send(try #require(Receipts.ack(for: stanza))) }
                        _ = try await bobLog.wait { $0.node(tagged: "ib")?.child(tagged: "offline") }
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                /// Waits for the sandbox to notice the hang-up and settle Bob's queue.
                func bobsQueue(becomes count: Int) async throws -> Bool {
                    for _ in 0..<100 {
                        if await fixture.server.router.offline.count(for: bob.device.jid) == count { return true }
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    return false
                }
                try await bobLogsIn(acking: false)
                #expect(try await bobsQueue(becomes: 1))
                try await bobLogsIn(acking: true)
                try await Task.sleep(for: .milliseconds(500))
                #expect(try await bobsQueue(becomes: 0))
            }
        }
    }

    @Test func sendRequestsAreChecked() async throws {
        let fixture = try await seededFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let cases: [(String, Int, String)] = [
                (#"{"From":"\#(Self.bobPhone)","To":"\#(alice.user)"}"#, 400, "missing Message in payload"),
                (#"{"From":"\#(Self.bobPhone)","To":"\#(alice.user)","Message":"hi"}"#, 400, "Message must be a JSON object"),
                (#"{"From":"\#(Self.bobPhone)","To":"\#(alice.user)","Message":{"noSuchField":1}}"#, 400, "Message is not"),
                (#"{"From":"\#(Self.bobPhone)","To":"1:2:3@s.whatsapp.net","Message":{}}"#, 400, "To is not a JID"),
                (#"{"From":"15550009999","To":"\#(alice.user)","Message":{}}"#, 404, "no account 15550009999"),
                (#"{"From":"\#(Self.bobPhone)","To":"15550009999@s.whatsapp.net","Message":{}}"#, 404, "no account"),
                (#"{"From":"\#(Self.bobPhone)","To":"\#(bob.user)","Message":{}}"#, 400, "another account"),
            ]
            for (body, status, error) in cases {
                let answer = try await control.post("/sandbox/send", raw: body)
                #expect(answer.status == status, "\(body)")
                #expect(answer["error"].contains(error), "\(answer.json)")
            }
            let unknown = try await control.get("/sandbox/messages", query: ["Phone": "15550009999"])
            #expect(unknown.status == 404)
            let missing = try await control.get("/sandbox/messages")
            #expect(missing.status == 400)
            let empty = try await control.get("/sandbox/messages", query: ["Phone": Self.alicePhone])
            #expect((empty.json["Messages"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func messagesToUnknownAccountsOrDevicesAreRefused() async throws {
        let fixture = try await seededFixture()
        let carol = TestDevice(jid: JID(user: "15550003333", server: JID.userServer, device: 2))
        try await fixture.seed(carol)
        try await fixture.run { info in
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                let bobDevice = bob.device.jid
                let cases: [(to: JID, devices: [JID], error: String)] = [
                    (JID(user: "15550009999", server: JID.userServer), [JID(user: "15550009999", server: JID.userServer)], "404"),
                    (bob.user, [bobDevice, JID(user: Self.bobPhone, server: JID.userServer, device: 9)], "404"),
                    (bob.user, [bobDevice, carol.jid], "403"),
                    (bob.user, [bobDevice, alice.device.jid], "400"),
                    (bob.user, [], "400"),
                ]
                for (index, refused) in cases.enumerated() {
                    let id = "REFUSED\(index)"
                    try await aliceSocket.send(Self.message(id: id, to: refused.to, devices: refused.devices))
                    let ack = try await aliceLog.wait { $0.node(tagged: "ack").flatMap { $0["id"]?.description == id ? $0 : nil } }
                    #expect(ack["error"]?.description == refused.error, "case \(index)")
                    #expect(ack["class"]?.description == "message")
                }
                // A refused message reaches no device, not even its valid ones.
                #expect(await fixture.server.router.offline.count(for: bobDevice) == 0)
            }
        }
    }

    @Test func restartKeepsQueuedMessagesAndPhoneSessions() async throws {
        let first = try await seededFixture()
        defer { try? FileManager.default.removeItem(at: first.directory) }
        let firstID = try await first.server.withRunning { info in
            return try await alice.loggedIn(info) { aliceSocket, aliceLog in
                let sent = try await alice.send(MessagingCompanion.text("before the restart"), to: bob.user, on: aliceSocket)
                let id = try #require(sent["id"]?.description)
                // Bob's phone decrypted it and answered: its session with Alice's device exists.
                _ = try await aliceLog.wait { event in
                    event.node(tagged: "receipt").flatMap { $0["id"]?.description == id && $0["from"]?.jid == bob.user ? $0 : nil }
                }
                return id
            }
        }

        let restarted = try SandboxFixture(directory: first.directory)
        #expect(await restarted.server.router.offline.count(for: bob.device.jid) == 1)
        try await restarted.run { info in
            try await alice.loggedIn(info) { aliceSocket, aliceLog in
                try await bob.loggedIn(info) { bobSocket, bobLog in
                    let (_, queued) = try await bob.receive(id: firstID, on: bobSocket, bobLog)
                    #expect(queued.message.conversation == "before the restart")

                    // Bob's phone answers Alice on the session it kept: a plain msg, no new prekey message.
                    let control = try ControlClient(info)
                    let sent = try await control.post(
                        "/sandbox/send",
                        raw: #"{"From":"\#(Self.bobPhone)","To":"\#(alice.user)","Message":{"conversation":"after the restart"}}"#)
                    #expect(sent.status == 200, "\(sent.json)")
                    let (stanza, received) = try await alice.receive(id: sent["ID"], on: aliceSocket, aliceLog)
                    #expect(stanza.child(tagged: "enc")?["type"]?.description == "msg")
                    #expect(received.message.conversation == "after the restart")
                    let bobPhone = try await Self.phoneMessages(control, Self.bobPhone, count: 1)
                    #expect(bobPhone[0]["ID"] as? String == firstID)
                }
            }
        }
    }

    // MARK: Helpers

    /// A hand-built `<message>` with an arbitrary `<enc>` for each of `devices`.
    static func message(id: String, to: JID, devices: [JID]) -> Node {
        let participants = devices.map { device in
            Node(
                tag: "to", attributes: ["jid": .jid(device)],
                content: .nodes([Node(tag: "enc", attributes: ["v": "2", "type": "msg"], content: .bytes([1, 2, 3]))]))
        }
        return Node(
            tag: "message", attributes: ["id": .string(id), "to": .jid(to), "type": "text"],
            content: .nodes([Node(tag: "participants", content: .nodes(participants))]))
    }

    /// Waits until `phone`'s virtual phone lists `count` messages, and returns them.
    static func phoneMessages(_ control: ControlClient, _ phone: String, count: Int) async throws -> [[String: Any]] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let answer = try await control.get("/sandbox/messages", query: ["Phone": phone])
            #expect(answer.status == 200)
            if let messages = answer.json["Messages"] as? [[String: Any]], messages.count >= count {
                #expect(messages.count == count)
                return messages
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the phone \(phone) did not list \(count) messages")
        throw CancellationError()
    }
}
