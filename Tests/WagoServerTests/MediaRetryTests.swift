import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WABinary
import WAClient
import WAMedia
@testable import WagoServer

/// Media retry against the sandbox: a file that expired on the media host, from a message the
/// session received, is asked for again from the sender's phone and downloaded from its new
/// path, transparently for `/message/download/*`.
@Suite("Media retry through the sandbox", .serialized)
struct MediaRetryTests {
    /// `phone`'s phone sends an image to `session`'s account, and the session takes it
    /// (`arrived` says when the session's Message event with that id is out).
    /// - Returns: the download request's fields and the image.
    static func receivedImage(
        _ world: LinkingWorld, from phone: String, to session: String, arrived: (String) -> Bool
    ) async throws -> (fields: [String: Any], image: Data) {
        let image = Data((0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let uploaded = try await world.sandbox(
            .post, "/sandbox/media", #"{"Type":"image","Data":"\#(image.base64EncodedString())"}"#)
        #expect(uploaded.status == .ok, "\(uploaded.object)")
        let upload = uploaded.object
        let message: [String: Any] = [
            "imageMessage": [
                "URL": upload["URL"] ?? "", "directPath": upload["DirectPath"] ?? "", "mediaKey": upload["MediaKey"] ?? "",
                "fileEncSHA256": upload["FileEncSHA256"] ?? "", "fileSHA256": upload["FileSHA256"] ?? "",
                "fileLength": String(image.count), "mimetype": "image/jpeg",
            ]
        ]
        let body: [String: Any] = ["From": phone, "To": "\(session)@s.whatsapp.net", "Message": message]
        let sent = try await world.sandbox(
            .post, "/sandbox/send", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
        #expect(sent.status == .ok, "\(sent.object)")
        let id = try #require(sent.object["ID"] as? String)
        try await world.waitUntil { arrived(id) }
        let fields: [String: Any] = [
            "Url": upload["URL"] ?? "", "DirectPath": upload["DirectPath"] ?? "", "MediaKey": upload["MediaKey"] ?? "",
            "Mimetype": "image/jpeg", "FileEncSHA256": upload["FileEncSHA256"] ?? "", "FileSHA256": upload["FileSHA256"] ?? "",
            "FileLength": image.count,
        ]
        return (fields, image)
    }

    @Test("downloading expired media through REST returns the bytes after a media retry", .timeLimit(.minutes(10)))
    func expiredDownloadsAfterRetry() async throws {
        try await LinkingWorld.run(plugins: [try MessagingTests.messagingPluginPath()]) { world in
            let (ana, bia) = ("5511999990091", "5511999990092")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            let events = Mutex<[String]>([])
            world.gateway.gateway.events.subscribe("Message") { _, _, json in events.withLock { $0.append(json) } }
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "ana", token: "tok-ana", to: ana, on: client)
                let (fields, image) = try await Self.receivedImage(world, from: bia, to: ana) { id in
                    events.withLock { $0.contains { $0.contains(id) } }
                }
                let directPath = try #require(fields["DirectPath"] as? String)
                let expired = try await world.sandbox(.post, "/sandbox/media/expire", #"{"DirectPath":"\#(directPath)"}"#)
                #expect(expired.status == .ok, "\(expired.object)")

                let json = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
                let answer = try await client.call(.post, "/message/download/image", token: "tok-ana", json: json)
                #expect(answer.status == .ok, "\(answer.object)")
                #expect(answer.data?["Data"] as? String == "data:image/jpeg;base64,\(image.base64EncodedString())")
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }

    @Test("a file the phone no longer has fails with the phone's answer; one never received stays a 410", .timeLimit(.minutes(5)))
    func phoneWithoutTheFile() async throws {
        try await LinkingWorld.run { world in
            let (ana, bia) = ("5511999990093", "5511999990094")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            let events = Mutex<[String]>([])
            world.gateway.gateway.events.subscribe("Message") { _, _, json in events.withLock { $0.append(json) } }
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "ana", token: "tok-ana", to: ana, on: client)
            }
            let session = try #require(world.gateway.gateway.sessions.all.first)
            let client = try #require(await world.gateway.gateway.clients.client(of: session))
            let (fields, _) = try await Self.receivedImage(world, from: bia, to: ana) { id in
                events.withLock { $0.contains { $0.contains(id) } }
            }
            let directPath = try #require(fields["DirectPath"] as? String)
            let info = MediaFileInfo(
                mediaKey: Array(try #require(Data(base64Encoded: fields["MediaKey"] as? String ?? ""))),
                fileSha256: Array(try #require(Data(base64Encoded: fields["FileSHA256"] as? String ?? ""))),
                fileEncSha256: Array(try #require(Data(base64Encoded: fields["FileEncSHA256"] as? String ?? ""))),
                fileLength: UInt64(fields["FileLength"] as? Int ?? 0))
            let expired = try await world.sandbox(
                .post, "/sandbox/media/expire", #"{"DirectPath":"\#(directPath)","KeepOnPhone":false}"#)
            #expect(expired.status == .ok, "\(expired.object)")
            await #expect(throws: MediaTransferError.retry(.unsuccessful(result: "notFound"))) {
                try await client.download(directPath: directPath, info: info, type: .image)
            }

            // A file from no message the session received: nobody to ask, the host's 410 stands.
            let uploaded = try await client.upload(Array(repeating: 0x42, count: 2000), type: .document)
            let gone = try await world.sandbox(.post, "/sandbox/media/expire", #"{"DirectPath":"\#(uploaded.directPath)"}"#)
            #expect(gone.status == .ok, "\(gone.object)")
            await #expect(throws: MediaTransferError.status(410)) {
                try await client.download(directPath: uploaded.directPath, info: uploaded.info, type: .document)
            }
            await world.gateway.gateway.clients.stopAll()
        }
    }
}
