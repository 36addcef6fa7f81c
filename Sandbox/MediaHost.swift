import Crypto
import Foundation
import HTTPTypes
import WABinary
import WACrypto
import WAMedia
import WAMessaging
import WAProto

/// The sandbox's media host, standing in for WhatsApp's `mmg` hosts: it hands out the
/// `media_conn` credentials, takes encrypted uploads whose token is the body's SHA-256, keeps
/// them in the data folder and serves them back by direct path. It listens on the sandbox's
/// own port, over plain HTTP.
actor MediaHost {
    /// The largest upload accepted.
    static let maxBlobBytes = 100 * 1024 * 1024
    /// The one path bucket the sandbox uses (WhatsApp's look like this one).
    static let bucket = "t62.7118-24"
    /// Seconds a client may reuse the `media_conn` answer, and its `auth`.
    static let ttl = 300
    static let authTTL = 21_600

    /// The `auth` query parameter uploads must carry; kept in the data folder across restarts.
    nonisolated let auth: String
    private let directory: URL
    /// `host:port` once the sandbox listens.
    private var hostname: String?
    /// Files expired by the control API: downloads get 410 Gone.
    private var expired: Set<String> = []
    /// What the virtual phones sent lately: each media message's media key and direct path,
    /// by phone and message id, for media retries (`MessageRouter+RetryMedia`).
    private var sentByPhones = RecentMessages<String, SentFile>(capacity: 4096)
    /// Where the sending phones keep their own copies of files the host expired.
    private var phoneCopies: URL { directory.appendingPathComponent("phone-copies") }

    /// A media message a virtual phone sent: its file's key and where the host had it.
    struct SentFile: Sendable {
        var mediaKey: [UInt8]
        var directPath: String
    }

    init(dataDirectory: URL) throws {
        directory = dataDirectory.appendingPathComponent("media")
        try FileManager.default.createDirectory(
            at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let authFile = dataDirectory.appendingPathComponent("media-auth")
        if let stored = try? String(contentsOf: authFile, encoding: .utf8), !stored.isEmpty {
            auth = stored
        } else {
            auth = MediaURL.token(for: randomBytes(24))
            try PrivateFile.write(Data(auth.utf8), to: authFile)
        }
    }

    func listening(on hostname: String) {
        self.hostname = hostname
    }

    /// The `<media_conn>` of the answer to `<iq xmlns=w:m type=set><media_conn/></iq>`.
    func connectionNode() throws(IQRefusal) -> Node {
        guard let hostname else { throw .internalError("the media host is not listening yet") }
        return Node(
            tag: "media_conn",
            attributes: [
                "auth": .string(auth), "ttl": .string(String(Self.ttl)), "auth_ttl": .string(String(Self.authTTL)),
                "max_buckets": "12",
            ],
            content: .nodes([Node(tag: "host", attributes: ["hostname": .string(hostname)])]))
    }

    /// Checks and keeps an upload: `auth` must be ours and `token` the padded base64url of the
    /// body's SHA-256, as WhatsApp's hosts require.
    /// - Returns: the file's URL and direct path.
    func upload(_ body: [UInt8], mmsType: String, token: String, auth given: String) throws(ControlError) -> (
        url: String, directPath: String
    ) {
        guard constantTimeEqual(Array(given.utf8), Array(auth.utf8)) else {
            throw ControlError(status: .unauthorized, message: "wrong or missing auth")
        }
        guard MediaType(name: mmsType) != nil else { throw .notFound("no media type \(mmsType)") }
        let hash = Array(SHA256.hash(data: body))
        guard token == MediaURL.token(for: hash) else {
            throw .badRequest("the token is not the SHA-256 of the body")
        }
        return try store(body, hash: hash)
    }

    /// Keeps `body` as a virtual phone's upload (it needs no credentials).
    func store(_ body: [UInt8]) throws(ControlError) -> (url: String, directPath: String) {
        try store(body, hash: Array(SHA256.hash(data: body)))
    }

    /// The stored body a direct path (with or without its query) or a file name points at.
    func blob(directPath: String) -> [UInt8]? {
        Self.file(of: directPath).flatMap(blob(file:))
    }

    /// The body stored as `file` (`<64 hex digits>.enc`); nil for any other name.
    func blob(file: String) -> [UInt8]? {
        guard Self.isFileName(file) else { return nil }
        return (try? Data(contentsOf: directory.appendingPathComponent(file))).map(Array.init)
    }

    /// Whether the control API expired `file`.
    func isExpired(file: String) -> Bool {
        expired.contains(file)
    }

    // MARK: Expiry and media retry

    /// `POST /sandbox/media/expire`: the host drops the file at `directPath`, as WhatsApp's
    /// hosts do after a while, and answers its downloads with 410 Gone. With `keepOnPhone` the
    /// sending phone still has its copy and can upload it again for a media retry.
    func expire(directPath: String, keepOnPhone: Bool) throws(ControlError) {
        guard let file = Self.file(of: directPath), let body = blob(file: file) else {
            throw .notFound("no media file at \(directPath)")
        }
        do {
            if keepOnPhone {
                try FileManager.default.createDirectory(
                    at: phoneCopies, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try PrivateFile.write(Data(body), to: phoneCopies.appendingPathComponent(file))
            }
            try FileManager.default.removeItem(at: directory.appendingPathComponent(file))
        } catch {
            throw .internalError("\(error)")
        }
        expired.insert(file)
    }

    /// Remembers the file of `message`, sent by `phone`'s phone as `id`, if it has one.
    func rememberSent(_ message: WAE2E_Message, id: String, by phone: String) {
        guard let file = MediaRetry.file(in: message) else { return }
        sentByPhones.insert(SentFile(mediaKey: file.mediaKey, directPath: file.directPath), for: "\(phone) \(id)")
    }

    /// The file of the media message `phone`'s phone sent as `id`, while it remembers it.
    func sentFile(id: String, by phone: String) -> SentFile? {
        sentByPhones["\(phone) \(id)"]
    }

    /// A phone uploads the file it sent at `directPath` again, from the host if the host still
    /// has it, else from its own copy, under a new name.
    /// - Returns: the new direct path; nil when neither has the file.
    func uploadAgain(directPath: String) throws(ControlError) -> String? {
        guard let file = Self.file(of: directPath) else { return nil }
        let copy = (try? Data(contentsOf: phoneCopies.appendingPathComponent(file))).map(Array.init)
        guard let body = blob(file: file) ?? copy else { return nil }
        return try store(body, file: Hex.string(randomBytes(32)) + ".enc").directPath
    }

    /// The file name in a direct path (with or without its query); nil for another path.
    private static func file(of directPath: String) -> String? {
        let path = directPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? directPath
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.count == 3, parts[0] == "v", parts[1] == bucket, isFileName(String(parts[2])) else { return nil }
        return String(parts[2])
    }

    /// `<64 lowercase hex digits>.enc`: the body's SHA-256, or a random name for a re-upload.
    private static func isFileName(_ file: String) -> Bool {
        file.utf8.count == 68 && file.hasSuffix(".enc") && file.dropLast(4).allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    private func store(_ body: [UInt8], hash: [UInt8]) throws(ControlError) -> (url: String, directPath: String) {
        try store(body, file: Hex.string(hash) + ".enc")
    }

    private func store(_ body: [UInt8], file: String) throws(ControlError) -> (url: String, directPath: String) {
        guard let hostname else { throw .notListening }
        do {
            try PrivateFile.write(Data(body), to: directory.appendingPathComponent(file))
        } catch {
            throw .internalError("\(error)")
        }
        expired.remove(file)
        let directPath = "/v/\(Self.bucket)/\(file)?ccb=11-4&mms3=true"
        return ("http://\(hostname)\(directPath)", directPath)
    }
}
