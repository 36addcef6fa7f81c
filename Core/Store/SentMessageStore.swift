import Foundation
import GRDB
import Synchronization

/// A session's latest sent messages (serialized `WAE2E.Message`s), to answer retry receipts
/// for them: a device that could not decrypt one asks for it again, often minutes later and
/// sometimes after the gateway restarted. whatsmeow keeps its 256 latest in memory; here they
/// outlive a restart, so a message accepted before it is not lost to a device that asks after.
///
/// `keep` only queues: the queued rows are written in the next Signal commit of the session
/// (`SignalStore.commit(_:alongside:)`), the one that stores the send's ratchet steps, so a
/// send costs no transaction of its own and a message is stored before its ciphertext leaves.
/// The newest `capacity` per device are kept, sealed, in sending order; a lookup (a retry, rare)
/// scans the device's rows for the keyed index of the chat and id (chats are personal data).
public final class SentMessageStore: Sendable {
    /// Messages kept per device (whatsmeow's number).
    public static let capacity = 256

    private let database: WagoDatabase
    /// The session whose messages these are.
    private let device: String
    private let queue = Mutex(Queue())

    private struct Queue {
        /// Rows not committed yet, oldest first (read from here until they are).
        var rows: [Row] = []
        /// The number of the last row queued.
        var lastNumber: UInt64 = 0
        /// What the running transaction inserted, for `committed()`.
        var inserted: Insert?
        /// The table's last number for the device as committed; nil until read.
        var storedThrough: Int64?
        /// Rows committed since old ones were last deleted.
        var sinceTrim = 0
    }

    private struct Insert {
        /// The last queued row inserted, and the number it got in the table.
        var row: UInt64
        var stored: Int64
        var count: Int
        var trimmed: Bool
    }

    private struct Row: Sendable {
        var number: UInt64 = 0
        var index: Data
        var sealed: Data
    }

    public init(database: WagoDatabase, device: String) {
        self.database = database
        self.device = device
    }

    /// Keeps `message`, sent to `chat` (a JID's string, without device) as `id`; a lookup finds
    /// the newest kept for them.
    public func keep(_ message: [UInt8], chat: String, id: String) throws {
        let key = Self.key(chat: chat, id: id, device: device)
        var row = Row(
            index: database.secrets.index(of: key), sealed: try database.secrets.seal(message, context: key))
        queue.withLock { queue in
            queue.lastNumber += 1
            row.number = queue.lastNumber
            queue.rows.append(row)
            // Commits that keep failing leave the newest in memory, as many as are kept at all.
            if queue.rows.count > Self.capacity { queue.rows.removeFirst(queue.rows.count - Self.capacity) }
        }
    }

    /// The message kept for `chat` and `id`, nil when there is none (never sent, or older than
    /// the `capacity` latest).
    public func message(chat: String, id: String) async throws -> [UInt8]? {
        let key = Self.key(chat: chat, id: id, device: device)
        let index = database.secrets.index(of: key)
        let sealed: Data?
        if let queued = queue.withLock({ $0.rows.last { $0.index == index } }) {
            sealed = queued.sealed
        } else {
            sealed = try await database.pool.read { [device] db in
                try Data.fetchOne(
                    db,
                    sql: "SELECT sealedMessage FROM sentMessage WHERE device = ? AND keyIndex = ? ORDER BY number DESC LIMIT 1",
                    arguments: [device, index])
            }
        }
        return try sealed.map { Array(try database.secrets.open($0, context: key)) }
    }

    /// Inserts the queued rows in the caller's transaction, and deletes old ones once a quarter
    /// of `capacity` came since the last time. Call `committed()` once the transaction commits;
    /// after a rollback the rows stay queued for the next one. One transaction at a time.
    func insertQueued(in db: Database) throws {
        let (rows, stored, trim) = queue.withLock { queue in
            queue.inserted = nil
            return (queue.rows, queue.storedThrough, queue.sinceTrim + queue.rows.count >= Self.capacity / 4)
        }
        guard let last = rows.last else { return }
        var number =
            try stored
            ?? Int64.fetchOne(db, sql: "SELECT MAX(number) FROM sentMessage WHERE device = ?", arguments: [device]) ?? 0
        for row in rows {
            number += 1
            // OR REPLACE: a client of the same session stopping as this one starts may have
            // taken the number; losing its row is better than failing this commit, and its send.
            try db.cachedStatement(
                sql: "INSERT OR REPLACE INTO sentMessage (device, number, keyIndex, sealedMessage) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [device, number, row.index, row.sealed])
        }
        if trim {
            try db.cachedStatement(sql: "DELETE FROM sentMessage WHERE device = ? AND number <= ?")
                .execute(arguments: [device, number - Int64(Self.capacity)])
        }
        queue.withLock { $0.inserted = Insert(row: last.number, stored: number, count: rows.count, trimmed: trim) }
    }

    /// The transaction of the last `insertQueued` committed: its rows are read from the table now.
    func committed() {
        queue.withLock { queue in
            guard let inserted = queue.inserted else { return }
            queue.inserted = nil
            // By number, not count: `keep` may have dropped some of them meanwhile.
            queue.rows.removeAll { $0.number <= inserted.row }
            queue.storedThrough = inserted.stored
            queue.sinceTrim = inserted.trimmed ? 0 : queue.sinceTrim + inserted.count
        }
    }

    /// Deletes every row of `device` inside the caller's transaction (the session's wipe).
    static func deleteAll(device: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM sentMessage WHERE device = ?", arguments: [device])
    }

    /// What a row's index digests and its sealed message is bound to: the session too, so the
    /// same chat and id elsewhere give another index.
    private static func key(chat: String, id: String, device: String) -> String {
        "sentMessage\u{0}\(device)\u{0}\(chat)\u{0}\(id)"
    }
}
