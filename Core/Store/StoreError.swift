/// Failures of the storage layer, each saying what to fix.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case invalidSecretKey(String)
    case crypto(String)
    case duplicate(field: String)
    case notFound(String)
    /// A stored value this version cannot read (a row written by something else).
    case corrupt(String)

    public var description: String {
        switch self {
        case .invalidSecretKey(let reason), .crypto(let reason), .corrupt(let reason): reason
        case .duplicate(let field): "a session with this \(field) already exists"
        case .notFound(let what): "\(what) not found"
        }
    }
}
