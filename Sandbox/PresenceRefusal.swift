/// Why the sandbox drops a presence or chat state (from a device: logged; from the control
/// API: the refusal's answer).
enum PresenceRefusal: Error, Sendable, Equatable {
    /// The sender or the addressed account is not known.
    case unknownAccount(String)
    /// The stanza or request is malformed.
    case badRequest(String)

    var reason: String {
        switch self {
        case .unknownAccount(let reason), .badRequest(let reason): reason
        }
    }

    /// The control API's answer to it.
    var controlError: ControlError {
        switch self {
        case .unknownAccount(let reason): .notFound(reason)
        case .badRequest(let reason): .badRequest(reason)
        }
    }
}
