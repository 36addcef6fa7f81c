/// Why a message could not be built, parsed or decrypted.
public enum MessagingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A stanza lacks a part or has a bad one; the string names it.
    case malformed(String)
    /// No prekey bundle could be had for a device we must encrypt for.
    case noBundle(String)
    /// The server answered an IQ with an error.
    case server(code: Int, text: String)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed stanza: \(what)"
        case .noBundle(let device): "no prekeys available for \(device)"
        case .server(let code, let text): "the server answered \(code) \(text)"
        }
    }
}
