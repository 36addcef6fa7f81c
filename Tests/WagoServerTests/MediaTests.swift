import Foundation
import HummingbirdTesting
import Synchronization
import Testing
import WABinary
import WAClient
import WAMedia
import WagoHTTPClient
import WagoPluginABI
import WagoStore
@testable import WagoSandbox
@testable import WagoServer

/// Media between a linked session and the sandbox's media host, over real sockets with real
/// crypto: the client's upload and download, a damaged file, the host table's media services,
/// and `fetch_url` under the outbound URL policy.
@Suite("Media through the sandbox", .serialized)
struct MediaTests {
    /// A linked session's client, in a world whose gateway allows private URLs when asked.
    static func withLinkedClient(
        allowPrivateURLs: Bool = false, _ body: (LinkingWorld, WhatsAppClient) async throws -> Void
    ) async throws {
        try await LinkingWorld.run(allowPrivateURLs: allowPrivateURLs) { world in
            let phone = "5511999990301"
            try await world.createAccounts([(phone, "Mia")])
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(named: "mia", token: "tok-mia", to: phone, on: client)
            }
            let session = try #require(world.gateway.gateway.sessions.all.first)
            let whatsApp = try #require(await world.gateway.gateway.clients.client(of: session))
            try await body(world, whatsApp)
            await world.gateway.gateway.clients.stopAll()
        }
    }

    static func sandboxFile(_ world: LinkingWorld, _ info: MediaFileInfo) -> URL {
        world.sandboxServer.configuration.dataDirectory.appendingPathComponent(
            "media/\(Hex.string(info.fileEncSha256)).enc")
    }

    @Test("a client uploads 1 MiB and downloads it byte for byte; a phone's upload downloads too", .timeLimit(.minutes(5)))
    func uploadAndDownload() async throws {
        try await Self.withLinkedClient { world, client in
            let file = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) }
            let uploaded = try await client.upload(file, type: .video)
            #expect(uploaded.info.fileLength == UInt64(file.count))
            #expect(uploaded.url.hasSuffix(uploaded.directPath))
            let downloaded = try await client.download(directPath: uploaded.directPath, info: uploaded.info, type: .video)
            #expect(downloaded == file)

            // The phone's side reads the session's upload, and the session reads the phone's.
            let message = Self.messageJSON(uploaded.directPath, uploaded.info, mimetype: "video/mp4")
            let read = try await world.sandbox(.post, "/sandbox/media/download", #"{"Type":"video","Message":\#(message)}"#)
            #expect(read.status == .ok, "\(read.object)")
            #expect((read.object["Data"] as? String).flatMap { Data(base64Encoded: $0) } == Data(file))

            let photo = Data((0..<4000).map { UInt8(truncatingIfNeeded: $0) })
            let phone = try await world.sandbox(
                .post, "/sandbox/media", #"{"Type":"image","Data":"\#(photo.base64EncodedString())"}"#)
            #expect(phone.status == .ok, "\(phone.object)")
            let reference = try MediaMessageReference(json: try JSONSerialization.data(withJSONObject: [
                "directPath": phone.object["DirectPath"], "mediaKey": phone.object["MediaKey"],
                "fileEncSHA256": phone.object["FileEncSHA256"], "fileSHA256": phone.object["FileSHA256"],
            ]))
            let fromPhone = try await client.download(directPath: reference.directPath, info: reference.info, type: .image)
            #expect(Data(fromPhone) == photo)
        }
    }

    @Test("a damaged file fails the hash check, and the MAC check when no hash is given", .timeLimit(.minutes(5)))
    func tamperedFile() async throws {
        try await Self.withLinkedClient { world, client in
            let uploaded = try await client.upload(Array(repeating: 0x41, count: 10_000), type: .document)
            let path = Self.sandboxFile(world, uploaded.info)
            var stored = try Data(contentsOf: path)
            stored[100] ^= 0x01
            try stored.write(to: path)

            await #expect(throws: MediaTransferError.media(.encryptedFileHashMismatch)) {
                try await client.download(directPath: uploaded.directPath, info: uploaded.info, type: .document)
            }
            var withoutHashes = uploaded.info
            withoutHashes.fileEncSha256 = []
            withoutHashes.fileSha256 = []
            await #expect(throws: MediaTransferError.media(.macMismatch)) {
                try await client.download(directPath: uploaded.directPath, info: withoutHashes, type: .document)
            }
            // A file the host no longer has: 404 is final, as in whatsmeow.
            try FileManager.default.removeItem(at: path)
            await #expect(throws: MediaTransferError.status(404)) {
                try await client.download(directPath: uploaded.directPath, info: uploaded.info, type: .document)
            }
        }
    }

    @Test("the host table's upload_media and download_media reach the session's client", .timeLimit(.minutes(5)))
    func hostTableMedia() async throws {
        try await Self.withLinkedClient { world, _ in
            let table = try Self.hostTable(world, allowPrivateURLs: false).pointee
            let session = try #require(world.gateway.gateway.sessions.all.first).id
            let file = Array("a sticker, as bytes".utf8)
            let upload = await Self.complete { done, context in
                session.withBorrowedStr { session in
                    "sticker".withBorrowedStr { type in
                        withBorrowedBytes(file) { data in table.upload_media(table.host, session, type, data, done, context) }
                    }
                }
            }
            #expect(upload.status == WAGO_OK, "\(String(decoding: upload.result, as: UTF8.self))")
            let result = try #require(try JSONSerialization.jsonObject(with: Data(upload.result)) as? [String: Any])
            #expect(Set(result.keys) == ["URL", "DirectPath", "MediaKey", "FileEncSHA256", "FileSHA256", "FileLength"])
            #expect(result["FileLength"] as? Int == file.count)

            let message = try JSONSerialization.data(withJSONObject: [
                "stickerMessage": [
                    "url": result["URL"], "directPath": result["DirectPath"], "mediaKey": result["MediaKey"],
                    "fileEncSHA256": result["FileEncSHA256"], "fileSHA256": result["FileSHA256"],
                    "fileLength": String(file.count), "mimetype": "image/webp",
                ]
            ])
            let download = await Self.complete { done, context in
                session.withBorrowedStr { session in
                    String(decoding: message, as: UTF8.self).withBorrowedStr { json in
                        table.download_media(table.host, session, json, done, context)
                    }
                }
            }
            #expect(download.status == WAGO_OK, "\(String(decoding: download.result, as: UTF8.self))")
            #expect(download.result == file)

            let badType = await Self.complete { done, context in
                session.withBorrowedStr { session in
                    "hologram".withBorrowedStr { type in
                        withBorrowedBytes(file) { data in table.upload_media(table.host, session, type, data, done, context) }
                    }
                }
            }
            #expect(badType.status == WAGO_ERR_INVALID_ARGUMENT)
        }
    }

    @Test("fetch_url refuses loopback unless private URLs are allowed, and enforces its size limit", .timeLimit(.minutes(5)))
    func fetchURL() async throws {
        try await LinkingWorld.run { world in
            let bytes = Data((0..<2000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
            let phone = try await world.sandbox(
                .post, "/sandbox/media", #"{"Type":"document","Data":"\#(bytes.base64EncodedString())"}"#)
            let url = try #require(phone.object["URL"] as? String)
            let stored = try Data(contentsOf: world.sandboxServer.configuration.dataDirectory.appendingPathComponent(
                "media/" + (url.split(separator: "/").last?.split(separator: "?").first.map(String.init) ?? "")))

            let strict = try Self.hostTable(world, allowPrivateURLs: false).pointee
            let refused = await Self.fetch(strict, url, maxBytes: 0)
            #expect(refused.status == WAGO_ERR_INVALID_ARGUMENT)
            #expect(String(decoding: refused.result, as: UTF8.self).contains("loopback"))

            let open = try Self.hostTable(world, allowPrivateURLs: true).pointee
            let fetched = await Self.fetch(open, url, maxBytes: 0)
            #expect(fetched.status == WAGO_OK, "\(String(decoding: fetched.result, as: UTF8.self))")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(fetched.result)) as? [String: String])
            #expect(object["ContentType"] == "application/octet-stream")
            #expect(object["Data"].flatMap { Data(base64Encoded: $0) } == stored)

            let tooSmall = await Self.fetch(open, url, maxBytes: 100)
            #expect(tooSmall.status == WAGO_ERR_INVALID_ARGUMENT)
            #expect(String(decoding: tooSmall.result, as: UTF8.self).contains("100 bytes"))

            let missing = await Self.fetch(open, url.replacingOccurrences(of: ".enc", with: "0.enc"), maxBytes: 0)
            #expect(missing.status == WAGO_ERR_NOT_FOUND)
            let notHTTP = await Self.fetch(open, "file:///etc/passwd", maxBytes: 0)
            #expect(notHTTP.status == WAGO_ERR_INVALID_ARGUMENT)
        }
    }

    @Test("the HTTP client asks the address check about the resolved address before connecting")
    func addressCheck() async throws {
        let refusing = try HTTPClient(addressCheck: { "a forbidden address (\($0))" })
        let request = HTTPClientRequest(method: .get, url: try #require(URL(string: "http://localhost:9/")))
        await #expect(throws: HTTPClientError.refused(host: "localhost", reason: "a forbidden address (127.0.0.1)")) {
            try await refusing.send(request, responseBodyLimit: 10)
        }
        await #expect(throws: HTTPClientError.invalidURL("the scheme must be http or https")) {
            try await refusing.send(
                HTTPClientRequest(method: .get, url: try #require(URL(string: "ftp://example.com/"))), responseBodyLimit: 10)
        }
    }

    // MARK: Helpers

    /// A host table over the world's gateway sessions, with its own outbound URL policy.
    static func hostTable(_ world: LinkingWorld, allowPrivateURLs: Bool) throws -> UnsafePointer<wago_host_api> {
        let gateway = world.gateway.gateway
        let database = try WagoDatabase(
            dataDirectory: TestGateway.temporaryDirectory(), secrets: SecretBox(masterKey: .init(size: .bits256)))
        let services = PluginServices(
            sessions: gateway.sessions, clients: gateway.clients, values: PluginValueStore(database: database),
            events: gateway.events, logger: .init(label: "media-test"),
            fetcher: try URLFetcher(urlPolicy: OutboundURLPolicy(allowPrivateAddresses: allowPrivateURLs)))
        return HostAPI.makeTable(for: PluginContext(plugin: "media-test", services: services))
    }

    static func fetch(_ table: wago_host_api, _ url: String, maxBytes: UInt64) async -> ServiceResult {
        await complete { done, context in
            "".withBorrowedStr { session in
                url.withBorrowedStr { url in table.fetch_url(table.host, session, url, maxBytes, done, context) }
            }
        }
    }

    struct ServiceResult: Sendable {
        var status: wago_status
        var result: [UInt8]
    }

    /// Calls a completion-style host service and waits for its completion.
    static func complete(
        _ start: (_ done: wago_completion, _ context: UnsafeMutableRawPointer) -> Void
    ) async -> ServiceResult {
        final class Pending: Sendable {
            let continuation: CheckedContinuation<ServiceResult, Never>
            init(_ continuation: CheckedContinuation<ServiceResult, Never>) { self.continuation = continuation }
        }
        return await withCheckedContinuation { continuation in
            start(
                { context, status, result in
                    guard let context else { return }
                    let pending = Unmanaged<Pending>.fromOpaque(context).takeRetainedValue()
                    let bytes = result.len == 0 ? [] : Array(UnsafeBufferPointer(start: result.ptr, count: result.len))
                    pending.continuation.resume(returning: ServiceResult(status: status, result: bytes))
                }, Unmanaged.passRetained(Pending(continuation)).toOpaque())
        }
    }

    /// A media message in the protobuf JSON mapping.
    static func messageJSON(_ directPath: String, _ info: MediaFileInfo, mimetype: String) -> String {
        let object: [String: String] = [
            "directPath": directPath, "mediaKey": Data(info.mediaKey).base64EncodedString(),
            "fileEncSHA256": Data(info.fileEncSha256).base64EncodedString(),
            "fileSHA256": Data(info.fileSha256).base64EncodedString(), "fileLength": String(info.fileLength),
            "mimetype": mimetype,
        ]
        return String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data(), as: UTF8.self)
    }
}
