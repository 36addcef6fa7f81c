/// Why a media retry request or answer could not be built or read.
public enum MediaRetryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stanza without the named element or attribute.
    case missing(String)
    /// AES-GCM refused the ciphertext: another media key, message id or a damaged payload.
    case decryptionFailed
    /// The decrypted payload is not the expected protobuf.
    case malformedPayload
    /// The payload names another message than the stanza carrying it.
    case messageMismatch(expected: String, found: String)
    /// The phone answered with `<error code>` instead of a new path (2: it no longer has the file).
    case phoneError(code: Int)
    /// The phone's answer says it could not upload the file again (NOT_FOUND: it no longer has it).
    case unsuccessful(result: String)
    /// No answer came from the phone in time.
    case notAnswered

    public var description: String {
        switch self {
        case .missing(let what): "the media retry stanza has no \(what)"
        case .decryptionFailed: "the media retry payload does not decrypt with this media key and message id"
        case .malformedPayload: "the media retry payload is not the expected protobuf"
        case .messageMismatch(let expected, let found): "the media retry payload names message \(found), not \(expected)"
        case .phoneError(let code): code == 2 ? "the phone no longer has the media" : "the phone answered error \(code)"
        case .unsuccessful(let result): "the phone could not upload the media again: \(result)"
        case .notAnswered: "the phone did not answer the media retry request in time"
        }
    }
}
