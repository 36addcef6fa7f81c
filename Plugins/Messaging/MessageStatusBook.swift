import Foundation
import WagoPluginKit

/// Where each message this session sent has got to, kept in the host's per-session storage
/// under `status/<message id>` as `{"Status","Timestamp"}`: `Sent` when the server took it,
/// then `Delivered` and `Read` as the recipient's receipts arrive. A state never goes back
/// (a late delivery receipt does not undo a read one).
enum MessageStatusBook {
    enum Status: Int, Comparable, Sendable {
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

    struct Entry: Sendable {
        var status: Status
        /// Unix seconds when the message reached `status`.
        var timestamp: Int64
    }

    /// Owns every storage call of the book, one at a time, so a read-modify-write of an entry
    /// is atomic: receipts arrive on concurrent tasks. A queue rather than a lock, so that no
    /// cooperative thread blocks waiting for another one's host calls; async callers await it.
    private static let queue = DispatchQueue(label: "wago.messaging.message-status-book")
    /// Entries written lately; touched on `queue` only. A receipt for a message sent a moment
    /// ago finds its entry here instead of reading it back from the host's storage. Once
    /// `forget` dropped a logged-out session's entries, writes still under way for it land in
    /// storage only, until the session connects again; deleting a linked session logs it out
    /// first.
    nonisolated(unsafe) private static var recent = RecentStatuses()

    /// Moves `ids` forward to `status`; a receipt for a message never recorded as sent still
    /// counts (it may overtake the send's own answer).
    static func record(_ status: Status, ids: [String], at timestamp: Int64, session: String, host: Host) async throws {
        try await onQueue { try write(status, ids: ids, at: timestamp, session: session, host: host) }
    }

    /// `record`, queued without waiting for it (a failure is logged): a sent message's answer
    /// need not wait for the book, and an `entry` asked for after this returned queues behind
    /// it, so it sees the record.
    /// - Parameter generated: the host chose `ids` for this send, so nothing was stored under
    ///   them before this process ran: only a receipt that overtook this record can have
    ///   written an entry, and `recent` holds it, so the stored entry is not read.
    static func recordQueued(
        _ status: Status, ids: [String], generated: Bool, at timestamp: Int64, session: String, host: Host
    ) {
        queue.async {
            do {
                try write(status, ids: ids, at: timestamp, session: session, host: host, storedBefore: !generated)
            } catch {
                host.log(.warning, "could not record messages \(ids) as \(status.name): \(error)")
            }
        }
    }

    /// Runs on `queue`. `storedBefore` says whether an entry `recent` lacks may be stored
    /// (it may always be while `recent` does not hold the session's entries).
    private static func write(
        _ status: Status, ids: [String], at timestamp: Int64, session: String, host: Host, storedBefore: Bool = true
    ) throws {
        let mayBeStored = storedBefore || !recent.holds(session: session)
        for id in ids {
            var known = recent.entry(id, session: session)
            if known == nil, mayBeStored { known = try storedEntry(id, session: session, host: host) }
            if let known, known.status >= status { continue }
            // What `jsonText` writes for this object (sorted keys), without JSONSerialization.
            let value = #"{"Status":"\#(status.name)","Timestamp":\#(timestamp)}"#
            try host.kvSet(key(id), Array(value.utf8), session: session)
            recent.remember(Entry(status: status, timestamp: timestamp), for: id, session: session)
        }
    }

    static func entry(_ id: String, session: String, host: Host) async throws -> Entry? {
        try await onQueue { try recent.entry(id, session: session) ?? storedEntry(id, session: session, host: host) }
    }

    /// Drops `session`'s entries from memory (its stored ones stay the host's): called when it
    /// logs out, which its deletion does first, so a gone session's entries do not linger.
    static func forget(session: String) async throws {
        try await onQueue { recent.forget(session: session) }
    }

    /// `session` connected: the book keeps its entries in memory again.
    static func connected(session: String) async throws {
        try await onQueue { recent.connected(session: session) }
    }

    /// The stored entry, read with `JSONScanner`; nil when there is none or it is unreadable.
    private static func storedEntry(_ id: String, session: String, host: Host) throws -> Entry? {
        guard let stored = try host.kvGet(key(id), session: session) else { return nil }
        var (status, timestamp): (Status?, Int64?) = (nil, nil)
        var scanner = JSONScanner(stored)
        do {
            try scanner.readObjectDocument { key, value in
                switch key {
                case "Status": status = (try? value.string()).flatMap(Status.init(name:))
                case "Timestamp": timestamp = try? value.int64()
                default: break
                }
            }
        } catch {
            return nil
        }
        guard let status, let timestamp else { return nil }
        return Entry(status: status, timestamp: timestamp)
    }

    private static func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result(catching: body)) }
        }
    }

    private static func key(_ id: String) -> String { "status/\(id)" }
}
