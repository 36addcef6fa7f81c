import Foundation
import WagoPluginKit

/// Where each message this session sent has got to, kept in the host's per-session storage
/// under `status/<message id>` as `{"Status","Timestamp"}`: `Sent` when the server took it,
/// then `Delivered` and `Read` as the recipient's receipts arrive. A state never goes back
/// (a late delivery receipt does not undo a read one).
enum MessageStatusBook {
    enum Status: Int, Comparable {
        case sent, delivered, read

        var name: String {
            switch self {
            case .sent: "Sent"
            case .delivered: "Delivered"
            case .read: "Read"
            }
        }

        init?(name: String) {
            guard let status = [Status.sent, .delivered, .read].first(where: { $0.name == name }) else { return nil }
            self = status
        }

        /// A receipt's stanza type as the ReadReceipt event carries it: `""` delivered,
        /// `read`; other types (`read-self`, `played`, ...) say nothing about our messages.
        init?(receiptType: String) {
            switch receiptType {
            case "": self = .delivered
            case "read": self = .read
            default: return nil
            }
        }

        static func < (lhs: Status, rhs: Status) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    struct Entry {
        var status: Status
        /// Unix seconds when the message reached `status`.
        var timestamp: Int64
    }

    /// Serializes read-modify-write of entries: receipts arrive on concurrent tasks.
    private static let lock = NSLock()

    /// Moves `ids` forward to `status`; a receipt for a message never recorded as sent still
    /// counts (it may overtake the send's own answer).
    static func record(_ status: Status, ids: [String], at timestamp: Int64, session: String, host: Host) throws {
        try lock.withLock {
            for id in ids {
                if let known = try entry(id, session: session, host: host), known.status >= status { continue }
                let value = try MessagingPlugin.jsonText(["Status": status.name, "Timestamp": timestamp])
                try host.kvSet(key(id), Array(value.utf8), session: session)
            }
        }
    }

    static func entry(_ id: String, session: String, host: Host) throws -> Entry? {
        guard let stored = try host.kvGet(key(id), session: session),
            let object = try? JSONSerialization.jsonObject(with: Data(stored)) as? [String: Any],
            let status = (object["Status"] as? String).flatMap(Status.init(name:)),
            let timestamp = (object["Timestamp"] as? NSNumber)?.int64Value
        else { return nil }
        return Entry(status: status, timestamp: timestamp)
    }

    private static func key(_ id: String) -> String { "status/\(id)" }
}
