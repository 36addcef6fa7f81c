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

    public var description: String {
        switch self {
        case .missing(let what): "the media retry stanza has no \(what)"
        case .decryptionFailed: "the media retry payload does not decrypt with this media key and message id"
        case .malformedPayload: "the media retry payload is not the expected protobuf"
        case .messageMismatch(let expected, let found): "the media retry payload names message \(found), not \(expected)"
        case .phoneError(let code): code == 2 ? "the phone no longer has the media" : "the phone answered error \(code)"
        }
    }
}
