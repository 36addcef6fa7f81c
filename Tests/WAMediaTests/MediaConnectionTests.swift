import Testing
import WABinary
import WAMedia

/// The `media_conn` query and answer, and the URLs built from it.
@Suite struct MediaConnectionTests {
    static func answer(_ mediaConnAttributes: Attributes, hosts: [Node]) -> Node {
        Node(
            tag: "iq",
            attributes: ["from": .jid(JID(user: "", server: JID.userServer)), "id": "7.123-1", "type": "result"],
            content: .nodes([Node(tag: "media_conn", attributes: mediaConnAttributes, content: .nodes(hosts))]))
    }

    static let complete: Attributes = ["auth": "AWT+ab/c=", "ttl": "300", "auth_ttl": "21600", "max_buckets": "12"]

    @Test func requestIsAnIqSetInTheMediaNamespace() throws {
        let request = MediaConnection.request()
        #expect(request.tag == "iq")
        #expect(request["type"]?.description == "set" && request["xmlns"]?.description == "w:m")
        #expect(request["to"]?.jid == JID(user: "", server: JID.userServer))
        #expect(request.children == [Node(tag: "media_conn")])
        #expect(try Node(frame: request.encodedFrame()) == request)
    }

    @Test func parsesTheAnswerAfterAWireRoundTrip() throws {
        let answer = Self.answer(
            Self.complete,
            hosts: [
                Node(tag: "host", attributes: ["hostname": "mmg.whatsapp.net"], content: .nodes([Node(tag: "upload")])),
                Node(tag: "unexpected"),
                Node(tag: "host", attributes: ["hostname": "mmg-fallback.whatsapp.net"]),
            ])
        let connection = try MediaConnection(answer: Node(frame: answer.encodedFrame()))
        #expect(
            connection
                == MediaConnection(
                    auth: "AWT+ab/c=", ttl: 300, authTTL: 21600, maxBuckets: 12,
                    hosts: [.init(hostname: "mmg.whatsapp.net"), .init(hostname: "mmg-fallback.whatsapp.net")]))
    }

    @Test func refusesIncompleteAnswers() throws {
        let host = Node(tag: "host", attributes: ["hostname": "mmg.whatsapp.net"])
        for key in ["auth", "ttl", "auth_ttl", "max_buckets"] {
            var attributes = Self.complete
            attributes[key] = nil
            #expect(throws: MediaConnectionError.missingAttribute(key, tag: "media_conn")) {
                try MediaConnection(answer: Self.answer(attributes, hosts: [host]))
            }
        }
        var attributes = Self.complete
        attributes["ttl"] = "five minutes"
        #expect(throws: MediaConnectionError.notAnInteger("ttl", value: "five minutes")) {
            try MediaConnection(answer: Self.answer(attributes, hosts: [host]))
        }
        #expect(throws: MediaConnectionError.noHosts) {
            try MediaConnection(answer: Self.answer(Self.complete, hosts: []))
        }
        #expect(throws: MediaConnectionError.missingAttribute("hostname", tag: "host")) {
            try MediaConnection(answer: Self.answer(Self.complete, hosts: [Node(tag: "host")]))
        }
    }

    @Test func refusesOtherStanzasAndServerErrors() {
        #expect(throws: MediaConnectionError.unexpectedAnswer(tag: "message")) {
            try MediaConnection(answer: Node(tag: "message"))
        }
        #expect(throws: MediaConnectionError.unexpectedAnswer(tag: "iq")) {
            try MediaConnection(answer: Node(tag: "iq", attributes: ["type": "result"]))
        }
        let refusal = Node(
            tag: "iq", attributes: ["type": "error"],
            content: .nodes([Node(tag: "error", attributes: ["code": "401", "text": "not-authorized"])]))
        #expect(throws: MediaConnectionError.refused(code: "401", text: "not-authorized")) {
            try MediaConnection(answer: refusal)
        }
    }

    @Test func buildsUploadAndDownloadURLs() throws {
        let connection = MediaConnection(
            auth: "AWT+ab/c=", ttl: 300, authTTL: 21600, maxBuckets: 12,
            hosts: [.init(hostname: "mmg.whatsapp.net"), .init(hostname: "mmg-fallback.whatsapp.net")])
        let hash = [UInt8](repeating: 0xFB, count: 32)
        let token = "-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_v7-_s="
        #expect(MediaURL.token(for: hash) == token)
        let query = "auth=AWT%2Bab%2Fc%3D&token=\(token.dropLast())%3D"
        #expect(
            try connection.uploadURL(type: .history, fileEncSha256: hash)
                == "https://mmg.whatsapp.net/mms/md-msg-hist/\(token)?\(query)")
        #expect(
            try connection.newsletterUploadURL(type: .image, fileSha256: hash)
                == "https://mmg.whatsapp.net/newsletter/newsletter-image/\(token)?\(query)")

        let directPath = "/v/t62.7118-24/123_456_789.enc?ccb=11-4&oh=01_Q5&oe=68A1B2C3&_nc_sid=5e03e0"
        #expect(
            try connection.downloadURLs(directPath: directPath, fileEncSha256: hash, type: .image) == [
                "https://mmg.whatsapp.net\(directPath)&hash=\(token)&mms-type=image&__wa-mms=",
                "https://mmg-fallback.whatsapp.net\(directPath)&hash=\(token)&mms-type=image&__wa-mms=",
            ])
        #expect(try MediaURL.direct(directPath: directPath) == "https://mmg.whatsapp.net\(directPath)")
        #expect(throws: MediaURLError.directPathWithoutLeadingSlash("v/t62")) {
            try MediaURL.download(directPath: "v/t62", fileEncSha256: hash, type: .image)
        }
        let empty = MediaConnection(auth: "a", ttl: 1, authTTL: 1, maxBuckets: 1, hosts: [])
        #expect(throws: MediaURLError.noHosts) { try empty.uploadURL(type: .image, fileEncSha256: hash) }
    }
}
