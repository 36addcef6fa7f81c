import Foundation
import HummingbirdTesting
import Testing
@testable import WagoServer

/// WaGo's media file forwarding: with `ForwardMedia` on, a Message event carrying media is
/// posted as multipart form data with the downloaded, decrypted file beside `jsonData` and
/// `token`; other events keep the plain form.
@Suite("Webhook media forwarding", .serialized)
struct WebhookMediaForwardingTests {
    @Test("an image message reaches the webhook with its file", .timeLimit(.minutes(5)))
    func imageIsForwarded() async throws {
        try await WebhookReceiver.withLinkingWorld { world, receiver in
            let (ana, bia) = ("5511999990101", "5511999990102")
            try await world.createAccounts([(ana, "Ana"), (bia, "Bia")])
            let image = (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try await world.gateway.test(.router) { client async throws in
                try await world.linkSession(
                    named: "ana", token: "tok-ana", to: ana, on: client, subscribe: ["Message"], webhook: receiver.url)
                let on = try await client.call(
                    .post, "/webhook", token: "tok-ana", json: #"{"WebhookURL":"\#(receiver.url)","ForwardMedia":true}"#)
                #expect(on.status == .ok, "\(on.object)")
                let settings = try await client.call(.get, "/webhook", token: "tok-ana")
                #expect(settings.data?["ForwardMedia"] as? Bool == true)
            }
            // Bia's phone uploads the image and sends it, then a text.
            let uploaded = try await world.sandbox(
                .post, "/sandbox/media", #"{"Type":"image","Data":"\#(Data(image).base64EncodedString())"}"#)
            #expect(uploaded.status == .ok, "\(uploaded.object)")
            let fields = ["URL", "DirectPath", "MediaKey", "FileEncSHA256", "FileSHA256"].map { uploaded.object[$0] as? String ?? "" }
            let message = #"""
                {"imageMessage":{"URL":"\#(fields[0])","directPath":"\#(fields[1])","mediaKey":"\#(fields[2])","fileEncSHA256":"\#(fields[3])","fileSHA256":"\#(fields[4])","fileLength":"\#(image.count)","mimetype":"image/jpeg"}}
                """#
            let sent = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":\#(message)}"#)
            #expect(sent.status == .ok, "\(sent.object)")
            let id = try #require(sent.object["ID"] as? String)
            _ = try await world.sandbox(
                .post, "/sandbox/send", #"{"From":"\#(bia)","To":"\#(ana)@s.whatsapp.net","Message":{"conversation":"sem arquivo"}}"#)
            // The phone's history notifications (Message events too) come first, as plain forms.
            try await world.waitUntil { receiver.jsonData.contains { $0.contains("sem arquivo") } }

            let multipart = receiver.received.filter { $0.header("Content-Type")?.hasPrefix("multipart/") == true }
            #expect(multipart.count == 1, "only the image goes as multipart")
            let withFile = try #require(multipart.first)
            let contentType = try #require(withFile.header("Content-Type"))
            let boundary = try #require(contentType.split(separator: "=").last.map(String.init))
            #expect(contentType == "multipart/form-data; boundary=\(boundary)")
            #expect(boundary.count == 60 && boundary.allSatisfy(\.isHexDigit))
            let parts = try #require(Self.multipartParts(withFile.body, boundary: boundary))
            #expect(parts.map(\.disposition) == [
                #"form-data; name="jsonData""#, #"form-data; name="token""#,
                #"form-data; name="file"; filename="\#(id).jpg""#,
            ])
            #expect(parts[2].contentType == "image/jpeg")
            #expect(parts[2].body == Data(image), "the file is the decrypted image")
            #expect(String(decoding: parts[1].body, as: UTF8.self) == "tok-ana")
            let jsonData = try #require(
                try JSONSerialization.jsonObject(with: parts[0].body) as? [String: Any])
            #expect(jsonData["type"] as? String == "Message")
            #expect(((jsonData["event"] as? [String: Any])?["Info"] as? [String: Any])?["ID"] as? String == id)
            let session = try #require(world.gateway.gateway.sessions.all.first)
            #expect(withFile.header("X-Hmac-Signature") == WebhookOutboxTests.hmac(withFile.body, secret: session.webhookSecret))

            let plain = try #require(receiver.received.last)
            #expect(plain.header("Content-Type") == "application/x-www-form-urlencoded")
        }
    }

    @Test("the multipart body is Go's mime/multipart layout, with the file name quoted")
    func multipartLayout() {
        let file = WebhookFile(bytes: Array("PDF".utf8), fileName: #"a "b"\c.pdf"#, contentType: "application/pdf\r\nX: y")
        let body = WebhookRequest.multipart([("jsonData", "{}"), ("token", "t")], file: file, boundary: "B")
        let expected =
            "--B\r\nContent-Disposition: form-data; name=\"jsonData\"\r\n\r\n{}\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"token\"\r\n\r\nt\r\n"
            + "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\"\\\\c.pdf\"\r\n"
            + "Content-Type: application/pdfX: y\r\n\r\nPDF\r\n--B--\r\n"
        #expect(String(decoding: body, as: UTF8.self) == expected)
    }

    /// One part of a multipart body.
    struct Part {
        var disposition: String
        var contentType: String?
        var body: Data
    }

    /// The parts of `body`, or nil when it is not a well-formed multipart body.
    static func multipartParts(_ body: Data, boundary: String) -> [Part]? {
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        guard body.suffix(delimiter.count + 4) == delimiter + Data("--\r\n".utf8) else { return nil }
        var parts: [Part] = []
        var cursor = body.startIndex
        while let start = body[cursor...].range(of: delimiter) {
            let afterDelimiter = start.upperBound
            guard body[afterDelimiter...].starts(with: Data("\r\n".utf8)) else { break }
            guard let headers = body[afterDelimiter...].range(of: headerEnd),
                let next = body[headers.upperBound...].range(of: Data("\r\n".utf8) + delimiter)
            else { return nil }
            let lines = String(decoding: body[(afterDelimiter + 2)..<headers.lowerBound], as: UTF8.self)
                .components(separatedBy: "\r\n")
            func header(_ name: String) -> String? {
                lines.first { $0.lowercased().hasPrefix(name.lowercased() + ": ") }.map { String($0.dropFirst(name.count + 2)) }
            }
            guard let disposition = header("Content-Disposition") else { return nil }
            parts.append(
                Part(disposition: disposition, contentType: header("Content-Type"), body: Data(body[headers.upperBound..<next.lowerBound])))
            cursor = next.lowerBound + 2
        }
        return parts
    }
}
