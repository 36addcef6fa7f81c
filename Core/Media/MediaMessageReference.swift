import Foundation

/// What a media message (an `ImageMessage`, `DocumentMessage`, ... in the protobuf JSON
/// mapping) says about its file: enough to download and decrypt it. Reads the fields by name,
/// so one reader serves every media message kind.
public struct MediaMessageReference: Sendable, Hashable {
    public var directPath: String
    public var info: MediaFileInfo
    /// The type the message's kind or `mimetype` implies; nil when neither says.
    public var impliedType: MediaType?

    /// Reads `json`: a media message object, or a `Message` holding one (`{"imageMessage":{...}}`),
    /// whose key then gives the type. Field names are WAProto's JSON names (`fileSHA256`, ...) or the snake_case ones.
    public init(json: Data) throws(MediaMessageReferenceError) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw .notAnObject
        }
        var fields = object
        var type: MediaType?
        if object.count == 1, let entry = object.first, let inner = entry.value as? [String: Any],
            entry.key.hasSuffix("Message") || entry.key.hasSuffix("_message")
        {
            fields = inner
            let camel = entry.key.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
            type = MediaType(messageName: camel.prefix(1).uppercased() + camel.dropFirst())
        }
        func field(_ camel: String, _ proto: String) -> Any? { fields[camel] ?? fields[proto] }
        func bytes(_ camel: String, _ proto: String) throws(MediaMessageReferenceError) -> [UInt8] {
            guard let value = field(camel, proto) else { return [] }
            guard let text = value as? String, let data = Data(base64Encoded: text) else { throw .notBase64(camel) }
            return Array(data)
        }
        guard let directPath = field("directPath", "direct_path") as? String, !directPath.isEmpty else {
            throw .missingField("directPath")
        }
        let mediaKey = try bytes("mediaKey", "media_key")
        guard !mediaKey.isEmpty else { throw .missingField("mediaKey") }
        let length: UInt64
        switch field("fileLength", "file_length") {
        case nil: length = 0
        case let text as String:
            guard let parsed = UInt64(text) else { throw .notAnInteger("fileLength") }
            length = parsed
        case let number as NSNumber:
            guard let parsed = UInt64(exactly: number.doubleValue) else { throw .notAnInteger("fileLength") }
            length = parsed
        default: throw .notAnInteger("fileLength")
        }
        self.directPath = directPath
        info = MediaFileInfo(
            mediaKey: mediaKey, fileSha256: try bytes("fileSHA256", "file_sha256"),
            fileEncSha256: try bytes("fileEncSHA256", "file_enc_sha256"), fileLength: length)
        if type == nil, let mimetype = field("mimetype", "mimetype") as? String {
            type = Self.type(ofMimetype: mimetype)
        }
        impliedType = type
    }

    /// whatsmeow's types by the file's kind; anything not image, video or audio is a document.
    static func type(ofMimetype mimetype: String) -> MediaType {
        let kind = mimetype.lowercased().split(separator: "/").first ?? ""
        switch kind {
        case "image": return .image
        case "video": return .video
        case "audio": return .audio
        default: return .document
        }
    }
}
