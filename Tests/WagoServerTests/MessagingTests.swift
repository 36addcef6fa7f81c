import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WABinary
import WAClient
import WAProto
@testable import WagoServer

/// The core's message pipelines against the sandbox: a linked session sends to a virtual
/// phone with real encryption, and a phone's message reaches the session's event bus as WaGo's
/// Message event; receipts flow back.
@Suite("Messages through the sandbox", .serialized)
struct MessagingTests {
    let admin = TestGateway.adminToken

    @Test("a session and a virtual phone exchange texts both ways, with receipts")
    func textBothWays() async throws {
        try await LinkingWorld.run { world in
            let ana = "5511999990011"
            let bia = "5511999990012"
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            let events = Mutex<[(type: String, json: String)]>([])
            world.gateway.gateway.events.subscribe("*") { _, type, json in events.withLock { $0.append((type, json)) } }

            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "ana", token: "tok-ana", to: ana, on: client)
            }
            let session = try #require(world.gateway.gateway.sessions.all.first)
            let whatsApp = try #require(await world.gateway.gateway.clients.client(of: session))

            // Session → Bia's phone.
            var message = WAE2E_Message()
            message.conversation = "olá, Bia"
            let sent = try await whatsApp.send(message, to: JID(user: bia, server: JID.userServer))
            #expect(sent.id.hasPrefix("3EB0") && sent.id.count == 22)
            let inbox = try await world.waitForMessages(of: bia, count: 1)
            #expect(inbox.first?["ID"] as? String == sent.id)
            #expect((inbox.first?["Message"] as? [String: Any])?["conversation"] as? String == "olá, Bia")
            try await world.waitUntil { events.withLock { $0.contains { $0.type == "ReadReceipt" } } }

            // Bia's phone → the session: a Message event in WaGo's shape.
            let reply = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":{"conversation":"oi, Ana"}}"#)
            #expect(reply.status == .ok, "\(reply.object)")
            let replyID = try #require(reply.object["ID"] as? String)
            // The phone's history sync notifications after linking are Message events too.
            let isReply: @Sendable ((type: String, json: String)) -> Bool = { $0.type == "Message" && $0.json.contains(replyID) }
            try await world.waitUntil { events.withLock { $0.contains(where: isReply) } }
            let json = try #require(events.withLock { $0.first(where: isReply)?.json })
            let event = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
            let info = try #require(event["Info"] as? [String: Any])
            #expect(info["ID"] as? String == replyID)
            #expect(info["Chat"] as? String == "\(bia)@s.whatsapp.net")
            #expect(info["IsFromMe"] as? Bool == false)
            #expect((event["Message"] as? [String: Any])?["conversation"] as? String == "oi, Ana")
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("a plugin's send_message goes through the core's pipeline to the recipient", .timeLimit(.minutes(10)))
    func pluginSends() async throws {
        let plugins = try TemplatePluginTests.built.get()
        try await LinkingWorld.run(plugins: plugins) { world in
            let (caio, dora) = ("5511999990021", "5511999990022")
            try await world.createAccounts([(caio, "Caio"), (dora, "Dora")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "caio", token: "tok-caio", to: caio, on: client)

                let sent = try await client.call(
                    .post, "/hello-swift/send", token: "tok-caio", json: #"{"Phone":"\#(dora)","Body":"via plugin"}"#)
                #expect(sent.status == .ok, "\(sent.object)")
                let id = try #require(sent.data?["ID"] as? String)
                let inbox = try await world.waitForMessages(of: dora, count: 1)
                #expect(inbox.first?["ID"] as? String == id)
                #expect((inbox.first?["Message"] as? [String: Any])?["conversation"] as? String == "via plugin")
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("the messaging plugin sends texts and reactions and shows typing", .timeLimit(.minutes(10)))
    func messagingPlugin() async throws {
        try await LinkingWorld.run(plugins: [try Self.messagingPluginPath()]) { world in
            let (eva, davi) = ("5511999990031", "5511999990032")
            try await world.createAccounts([(eva, "Eva"), (davi, "Davi")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "eva", token: "tok-eva", to: eva, on: client)

                let missing = try await client.call(.post, "/send/text", token: "tok-eva", json: #"{"Phone":"\#(davi)"}"#)
                #expect(missing.status == .badRequest)
                #expect(missing.error == "missing Body in payload")
                let sent = try await client.call(
                    .post, "/send/text", token: "tok-eva", json: #"{"Phone":"+\#(davi)","Body":"bom dia","Id":"3EB0AAAABBBBCCCCDDDD11"}"#)
                #expect(sent.status == .ok, "\(sent.object)")
                #expect(sent.data?["Details"] as? String == "Sent")
                #expect(sent.data?["Id"] as? String == "3EB0AAAABBBBCCCCDDDD11", "the given Id is used")
                #expect((sent.data?["Timestamp"] as? Int ?? 0) > 0)

                let reacted = try await client.call(
                    .post, "/message/react", token: "tok-eva",
                    json: #"{"Phone":"\#(davi)","Body":"👍","Id":"3EB0AAAABBBBCCCCDDDD11","IsFromMe":true}"#)
                #expect(reacted.status == .ok, "\(reacted.object)")
                let inbox = try await world.waitForMessages(of: davi, count: 2)
                try #require(inbox.count == 2)
                #expect((inbox[0]["Message"] as? [String: Any])?["conversation"] as? String == "bom dia")
                let reaction = try #require((inbox[1]["Message"] as? [String: Any])?["reactionMessage"] as? [String: Any])
                #expect(reaction["text"] as? String == "👍")
                #expect((reaction["key"] as? [String: Any])?["ID"] as? String == "3EB0AAAABBBBCCCCDDDD11")

                for route in ["/chat/typing/start", "/chat/typing/stop", "/chat/recording/start", "/chat/recording/stop"] {
                    let state = try await client.call(.post, route, token: "tok-eva", json: #"{"Jid":"\#(davi)"}"#)
                    #expect(state.status == .ok, "\(route): \(state.object)")
                }
                let badState = try await client.call(
                    .post, "/message/presence", token: "tok-eva", json: #"{"Phone":"\#(davi)","State":"dancing"}"#)
                #expect(badState.status == .badRequest)
                let read = try await client.call(
                    .post, "/message/markread", token: "tok-eva",
                    json: #"{"Id":["3EB0AAAABBBBCCCCDDDD11"],"Chat":"\#(davi)@s.whatsapp.net"}"#)
                #expect(read.status == .ok, "\(read.object)")
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    // Without the client's Signal lock this hangs: interleaved ratchets make messages undecryptable.
    @Test("concurrent sends to one chat all arrive: the client's Signal operations do not interleave",
          .timeLimit(.minutes(3)))
    func concurrentSends() async throws {
        try await LinkingWorld.run(plugins: [try Self.messagingPluginPath()]) { world in
            let (eva, davi) = ("5511999990041", "5511999990042")
            try await world.createAccounts([(eva, "Eva"), (davi, "Davi")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "eva", token: "tok-eva", to: eva, on: client)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for number in 0..<20 {
                        group.addTask {
                            let sent = try await client.call(
                                .post, "/send/text", token: "tok-eva", json: #"{"Phone":"\#(davi)","Body":"m\#(number)"}"#)
                            #expect(sent.status == .ok, "\(sent.object)")
                        }
                    }
                    try await group.waitForAll()
                }
                let inbox = try await world.waitForMessages(of: davi, count: 20)
                let texts = Set(inbox.compactMap { ($0["Message"] as? [String: Any])?["conversation"] as? String })
                #expect(texts == Set((0..<20).map { "m\($0)" }))
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    /// The messaging plugin as `swift build` leaves it, beside the test bundle.
    static func messagingPluginPath() throws -> String {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let candidates = [products, products.deletingLastPathComponent()].map {
            $0.appendingPathComponent("libWagoMessaging.so").path
        }
        return try #require(candidates.first { FileManager.default.fileExists(atPath: $0) }, "libWagoMessaging.so near \(products.path)")
    }
}
