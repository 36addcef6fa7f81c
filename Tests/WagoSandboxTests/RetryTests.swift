import Foundation
import SwiftProtobuf
import Synchronization
import Testing
import WABinary
import WACrypto
import WAMedia
import WAMessaging
import WAProto
import WASignal
import WATransport
@testable import WagoSandbox

/// The virtual phones' side of retries: a phone that lost its session with a device asks for
/// the message again with its keys and decrypts the resend; a phone answers media retry
/// requests by uploading its file again (or saying it no longer has it).
@Suite(.timeLimit(.minutes(1)))
struct RetryTests {
    static let alicePhone = "15550003331"
    static let bobPhone = "15550003332"

    let alice: MessagingCompanion

    init() throws {
        alice = try MessagingCompanion(phone: Self.alicePhone, deviceID: 4)
    }

    /// A sandbox with Alice's companion linked and Bob's account (a phone alone).
    func fixture() async throws -> SandboxFixture {
        let fixture = try SandboxFixture()
        try await fixture.seed(alice.device)
        _ = try await fixture.server.accounts.createAccount(phone: Self.bobPhone, pushName: "Bob")
        return fixture
    }

    /// What Bob's phone received, once it holds `count` messages (at most 10 s).
    func bobsMessages(_ fixture: SandboxFixture, count: Int) async throws -> [PhoneMessage] {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let received = await fixture.server.router.phones.received(by: Self.bobPhone)
            if received.count >= count { return received }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("Bob's phone never held \(count) messages")
        throw CancellationError()
    }

    @Test func aPhoneThatLostItsSessionAsksWithItsKeysAndDecryptsTheResend() async throws {
        let fixture = try await fixture()
        let bob = JID(user: Self.bobPhone, server: JID.userServer)
        try await fixture.run { info in
            try await alice.loggedIn(info) { socket, log in
                try await alice.send(MessagingCompanion.text("one"), to: bob, on: socket)
                _ = try await bobsMessages(fixture, count: 1)

                #expect(try await fixture.server.router.phoneHasSession(Self.bobPhone, with: alice.device.jid))
                try await fixture.server.router.phoneForgetSession(of: Self.bobPhone, with: alice.device.jid)
                #expect(try await !fixture.server.router.phoneHasSession(Self.bobPhone, with: alice.device.jid))
                let second = MessagingCompanion.text("two")
                let sent = try await alice.send(second, to: bob, on: socket)
                let id = try #require(sent["id"]?.description)
                let stanza = try await log.wait { event in
                    event.node(tagged: "receipt").flatMap { $0["type"]?.description == "retry" && $0["id"]?.description == id ? $0 : nil }
                }
                let receipt = try RetryReceipt(stanza)
                #expect(receipt.requester == bob)
                #expect(receipt.count == 1)
                #expect(receipt.chat(sender: alice.device.jid) == bob)
                #expect(!receipt.isGroup)
                let keys = try #require(receipt.bundle, "a phone without a session sends its keys")
                let published = try #require(await fixture.server.accounts.account(phone: Self.bobPhone)?.phoneKeys)
                #expect(keys.identityKey.bytes == Array(published.identity))
                #expect(receipt.registrationID == published.registrationID)
                #expect(keys.preKey != nil)

                let resend = try await receipt.resend(
                    second, sender: alice.device.jid, store: alice.store, senderKeys: TestSenderKeyStore(),
                    fetchBundles: { _ in [:] }, history: RetryReceipt.AnswerHistory(), deviceIdentity: nil)
                #expect(resend["to"]?.jid == bob)
                #expect(resend["device_fanout"]?.description == "false")
                #expect(resend.child(tagged: "enc")?["type"]?.description == "pkmsg")
                #expect(resend.child(tagged: "enc")?["count"]?.description == "1")
                try await socket.send(resend)
                // The server acks the resend as it acked the first send.
                try await log.waitUntil { events in
                    events.compactMap { $0.node(tagged: "ack") }.filter { $0["id"]?.description == id && $0["error"] == nil }.count == 2
                }
                let received = try await bobsMessages(fixture, count: 2)
                #expect(received.last?.id == id)
                #expect(try WAE2E_Message(serializedBytes: try #require(received.last).message).conversation == "two")
            }
        }
    }

    @Test func aDeviceAskingAgainWithoutKeysGetsANewSessionAtMostOnceAnHour() async throws {
        let fixture = try await fixture()
        let bob = JID(user: Self.bobPhone, server: JID.userServer)
        let clock = Mutex(Date(timeIntervalSince1970: 1_760_000_000))
        let history = RetryReceipt.AnswerHistory(now: { clock.withLock { $0 } })
        let fetches = Mutex<[[JID]]>([])
        let router = fixture.server.router
        try await fixture.run { info in
            try await alice.loggedIn(info) { socket, _ in
                let message = MessagingCompanion.text("one")
                let sent = try await alice.send(message, to: bob, on: socket)
                #expect(try await alice.store.session(for: bob.signalAddress)?.hasSession == true)
                /// Answers Bob's `count`th ask for the message, without keys; returns its `<enc>` count.
                func answer(count: Int) async throws -> String? {
                    var asked = sent
                    asked.attributes["from"] = .jid(bob)
                    let receipt = try RetryReceipt(
                        Self.relayed(try #require(RetryReceipt.request(for: asked, count: count, registrationID: 7, keys: nil))))
                    #expect(receipt.bundle == nil)
                    let resend = try await receipt.resend(
                        message, sender: alice.device.jid, store: alice.store, senderKeys: TestSenderKeyStore(),
                        fetchBundles: { devices in
                            fetches.withLock { $0.append(devices) }
                            return try await router.claimBundles(devices)
                        }, history: history, deviceIdentity: nil)
                    return resend.child(tagged: "enc")?["count"]?.description
                }
                // A first ask on a session we have: no new session.
                #expect(try await answer(count: 1) == "1")
                #expect(fetches.withLock { $0.isEmpty })
                // The second ask starts one from a fetched bundle; a third within the hour does not.
                #expect(try await answer(count: 2) == "2")
                #expect(fetches.withLock { $0 } == [[bob]])
                clock.withLock { $0 += RetryReceipt.AnswerHistory.sessionRecreationInterval }
                #expect(try await answer(count: 3) == "3")
                #expect(fetches.withLock { $0.count } == 1, "exactly an hour later is still within the hour")
                // Over an hour later it may again.
                clock.withLock { $0 += 1 }
                _ = try await answer(count: 4)
                #expect(fetches.withLock { $0 } == [[bob], [bob]])
            }
        }
    }

    @Test func aDevicesTenthAskForOneMessageIsNotAnswered() async throws {
        let history = RetryReceipt.AnswerHistory()
        let bob = JID(user: Self.bobPhone, server: JID.userServer)
        func receipt(_ id: String, from device: JID) throws -> RetryReceipt {
            let message = Node(tag: "message", attributes: ["id": .string(id), "from": .jid(device)])
            return try RetryReceipt(Self.relayed(try #require(RetryReceipt.request(for: message, count: 1, registrationID: 7, keys: nil))))
        }
        for _ in 1...RetryReceipt.AnswerHistory.maxAnswers {
            #expect(await history.admit(try receipt("3EB0AAAA", from: bob)))
        }
        #expect(await !history.admit(try receipt("3EB0AAAA", from: bob)))
        // Another message, or another device of the same account, is counted apart.
        #expect(await history.admit(try receipt("3EB0BBBB", from: bob)))
        #expect(await history.admit(try receipt("3EB0AAAA", from: JID(user: Self.bobPhone, server: JID.userServer, device: 3))))
    }

    /// A retry receipt as the server relays it: from the device that sent it.
    static func relayed(_ request: Node) -> Node {
        var relayed = request
        relayed.attributes["from"] = request["to"]
        relayed.attributes["to"] = nil
        return relayed
    }

    @Test func aPhoneUploadsAnExpiredFileAgainOrSaysItHasNone() async throws {
        let fixture = try await fixture()
        let media = fixture.server.media
        try await fixture.run { info in
            try await alice.loggedIn(info) { socket, log in
                let photo = (0..<3000).map { UInt8(truncatingIfNeeded: $0 &* 13) }
                /// Bob's phone sends a photo to Alice; the host expires it, keeping Bob's copy or not.
                func sendExpiredPhoto(keepOnPhone: Bool) async throws -> (id: String, info: MediaFileInfo, path: String) {
                    let encrypted = try MediaCipher.encrypt(photo, type: .image)
                    let stored = try await media.store(encrypted.body)
                    var message = WAE2E_Message()
                    message.imageMessage.directPath = stored.directPath
                    message.imageMessage.mediaKey = Data(encrypted.info.mediaKey)
                    let sent = try await fixture.server.router.phoneSend(message, from: Self.bobPhone, to: alice.user)
                    await media.rememberSent(message, id: sent.id, by: Self.bobPhone)
                    try await media.expire(directPath: stored.directPath, keepOnPhone: keepOnPhone)
                    #expect(await media.blob(directPath: stored.directPath) == nil)
                    return (sent.id, encrypted.info, stored.directPath)
                }
                /// Alice asks for message `id` again and returns the phone's answer.
                func askAgain(_ id: String, mediaKey: [UInt8]) async throws -> MediaRetryNotice {
                    let bob = JID(user: Self.bobPhone, server: JID.userServer)
                    try await socket.send(
                        try MediaRetry.receipt(
                            messageID: id, ownJID: alice.user, chat: bob, fromMe: false, participant: nil, mediaKey: mediaKey))
                    let node = try await log.wait { event in
                        event.node(tagged: "notification").flatMap {
                            $0["type"]?.description == "mediaretry" && $0["id"]?.description == id ? $0 : nil
                        }
                    }
                    return try MediaRetryNotice(node: node)
                }

                let kept = try await sendExpiredPhoto(keepOnPhone: true)
                let renewed = try await askAgain(kept.id, mediaKey: kept.info.mediaKey).open(mediaKey: kept.info.mediaKey)
                #expect(renewed.result == .success)
                #expect(renewed.directPath != kept.path)
                let body = try #require(await media.blob(directPath: renewed.directPath))
                #expect(try MediaCipher.decrypt(body, type: .image, mediaKey: kept.info.mediaKey) == photo)

                let lost = try await sendExpiredPhoto(keepOnPhone: false)
                let gone = try await askAgain(lost.id, mediaKey: lost.info.mediaKey).open(mediaKey: lost.info.mediaKey)
                #expect(gone.result == .notFound)

                let unknown = try await askAgain("3EB0000000000000000000", mediaKey: kept.info.mediaKey)
                #expect(unknown.answer == .error(code: 2))
            }
        }
    }
}
