import WABinary

/// Why an account operation was refused.
public enum AccountStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The phone number is not digits only, or has a length no number has.
    case invalidPhone(String)
    case accountExists(phone: String)
    case unknownAccount(phone: String)
    case unknownDevice(JID)
    /// The accounts file could not be written; the change was not kept.
    case storage(String)

    public var description: String {
        switch self {
        case .invalidPhone(let phone): "Phone must be 7 to 15 digits, not \"\(phone)\""
        case .accountExists(let phone): "account \(phone) already exists"
        case .unknownAccount(let phone): "no account \(phone)"
        case .unknownDevice(let jid): "no linked device \(jid)"
        case .storage(let reason): "could not save the accounts: \(reason)"
        }
    }
}
