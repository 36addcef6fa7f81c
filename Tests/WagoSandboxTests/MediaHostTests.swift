import Foundation
import Testing
import WABinary
import WACrypto
import WAMedia
import WATransport
@testable import WagoSandbox

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The sandbox's media host over real sockets: `media_conn` from a logged-in connection,
/// uploads checked by auth and token, downloads by direct path, and the control routes that
/// upload and download as a virtual phone.
@Suite(.timeLimit(.minutes(1)))
struct MediaHostTests {
    /// The `media_conn` a logged-in device gets.
    static func mediaConnection(_ fixture: SandboxFixture, _ info: SandboxInfo) async throws -> MediaConnection {
        let device = TestDevice()
        try await fixture.seed(device)
        let socket = makeSocket(info, device: device, payload: device.login)
        return try await withSocket(socket) { log in
            _ = try await log.wait { $0.node(tagged: "success") }
            return try MediaConnection(answer: try await socket.sendIQ(MediaConnection.request()))
        }
    }

    /// A plain-HTTP call to the sandbox (its media hosts are `https` on WhatsApp, `http` here).
    static func call(_ method: String, _ url: String, body: [UInt8]? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: try #require(URL(string: url.replacingOccurrences(of: "https://", with: "http://"))))
        request.httpMethod = method
        request.httpBody = body.map { Data($0) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return (try #require(response as? HTTPURLResponse).statusCode, data)
    }

    @Test("media_conn names the sandbox itself; an upload with the right auth and token comes back byte for byte")
    func uploadAndDownload() async throws {
        let fixture = try SandboxFixture()
        try await fixture.run { info in
            let connection = try await Self.mediaConnection(fixture, info)
            let port = try #require(URL(string: info.url)?.port)
            #expect(connection.hosts.map(\.hostname) == ["127.0.0.1:\(port)"])
            #expect(!connection.auth.isEmpty && connection.ttl > 0)

            let plaintext = Array((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            let encrypted = try MediaCipher.encrypt(plaintext, type: .document)
            let upload = try await Self.call(
                "POST", try connection.uploadURL(type: .document, fileEncSha256: encrypted.info.fileEncSha256),
                body: encrypted.body)
            #expect(upload.status == 200)
            let answer = try #require(try JSONSerialization.jsonObject(with: upload.body) as? [String: String])
            let directPath = try #require(answer["direct_path"])
            #expect(directPath.hasPrefix("/v/") && directPath.contains("?"))

            for url in try connection.downloadURLs(
                directPath: directPath, fileEncSha256: encrypted.info.fileEncSha256, type: .document)
                + [try #require(answer["url"])]
            {
                let download = try await Self.call("GET", url)
                #expect(download.status == 200)
                #expect(Array(download.body) == encrypted.body)
            }
            let decrypted = try MediaCipher.decrypt(
                encrypted.body, type: .document, mediaKey: encrypted.info.mediaKey,
                fileSha256: encrypted.info.fileSha256, fileEncSha256: encrypted.info.fileEncSha256)
            #expect(decrypted == plaintext)
            // The blob is kept in the sandbox's data folder.
            let file = fixture.directory.appendingPathComponent("media/\(Hex.string(encrypted.info.fileEncSha256)).enc")
            #expect(FileManager.default.fileExists(atPath: file.path))
        }
    }

    @Test("the media host refuses a wrong auth, a token that is not the body's hash, and unknown files")
    func refusals() async throws {
        let fixture = try SandboxFixture()
        try await fixture.run { info in
            let connection = try await Self.mediaConnection(fixture, info)
            let encrypted = try MediaCipher.encrypt(Array("secret".utf8), type: .image)
            let host = try #require(connection.hosts.first?.hostname)

            let wrongAuth = MediaURL.upload(
                host: host, auth: "not-the-auth", type: .image, fileEncSha256: encrypted.info.fileEncSha256)
            #expect(try await Self.call("POST", wrongAuth, body: encrypted.body).status == 401)

            let otherHash = Array(repeating: UInt8(7), count: 32)
            let wrongToken = MediaURL.upload(host: host, auth: connection.auth, type: .image, fileEncSha256: otherHash)
            #expect(try await Self.call("POST", wrongToken, body: encrypted.body).status == 400)

            let missing = "http://\(host)/v/\(MediaHost.bucket)/\(Hex.string(otherHash)).enc?ccb=11-4"
            #expect(try await Self.call("GET", missing).status == 404)
            #expect(try await Self.call("GET", "http://\(host)/v/\(MediaHost.bucket)/..%2Fmedia-auth").status == 404)
            let nothingStored = try FileManager.default.contentsOfDirectory(
                atPath: fixture.directory.appendingPathComponent("media").path)
            #expect(nothingStored.isEmpty)
        }
    }

    @Test("POST /sandbox/media uploads as a phone would and /sandbox/media/download gets the bytes back")
    func controlRoundTrip() async throws {
        let fixture = try SandboxFixture()
        try await fixture.run { info in
            let control = try ControlClient(info)
            let plaintext = Data((0..<3000).map { UInt8(truncatingIfNeeded: $0) })
            let uploaded = try await control.post(
                "/sandbox/media", ["Type": "audio", "Data": plaintext.base64EncodedString()])
            #expect(uploaded.status == 200, "\(uploaded.json)")
            #expect(uploaded.json["FileLength"] as? Int == plaintext.count)
            #expect(uploaded["URL"].hasPrefix("http://127.0.0.1:") && uploaded["URL"].hasSuffix(uploaded["DirectPath"]))

            let message: [String: Any] = [
                "directPath": uploaded["DirectPath"], "mediaKey": uploaded["MediaKey"],
                "fileEncSHA256": uploaded["FileEncSHA256"], "fileSHA256": uploaded["FileSHA256"],
                "fileLength": String(plaintext.count), "mimetype": "audio/ogg",
            ]
            let request = try JSONSerialization.data(withJSONObject: ["Type": "audio", "Message": message])
            let downloaded = try await control.post("/sandbox/media/download", raw: String(decoding: request, as: UTF8.self))
            #expect(downloaded.status == 200, "\(downloaded.json)")
            #expect(Data(base64Encoded: downloaded["Data"]) == plaintext)

            // The same file read as another type has other keys: its MAC fails.
            let wrongType = try JSONSerialization.data(withJSONObject: ["Type": "video", "Message": message])
            let refused = try await control.post("/sandbox/media/download", raw: String(decoding: wrongType, as: UTF8.self))
            #expect(refused.status == 400)
            #expect(refused["error"].contains("macMismatch"))

            let unknownType = try await control.post("/sandbox/media", ["Type": "hologram", "Data": "AAAA"])
            #expect(unknownType.status == 400)
            let noToken = try await ControlClient(info, adminToken: nil).post(
                "/sandbox/media", ["Type": "image", "Data": "AAAA"])
            #expect(noToken.status == 401)
        }
    }
}
