/// Why a stanza could not be queued for an offline device.
enum OfflineQueueError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stanza could not be encoded as a frame.
    case unencodable(String)
    /// The queue file could not be written; the change was not kept.
    case storage(String)

    var description: String {
        switch self {
        case .unencodable(let reason): "the stanza cannot be encoded: \(reason)"
        case .storage(let reason): "could not save the offline queue: \(reason)"
        }
    }
}
