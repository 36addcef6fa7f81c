/// Why a media message's JSON does not describe a downloadable file; names the field at fault.
public enum MediaMessageReferenceError: Error, Sendable, Hashable, CustomStringConvertible {
    case notAnObject
    case missingField(String)
    case notBase64(String)
    case notAnInteger(String)

    public var description: String {
        switch self {
        case .notAnObject: "the media message is not a JSON object"
        case .missingField(let name): "the media message has no \(name)"
        case .notBase64(let name): "\(name) is not base64"
        case .notAnInteger(let name): "\(name) is not an unsigned integer"
        }
    }
}
