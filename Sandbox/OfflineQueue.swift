import Foundation
import WABinary

/// Stanzas waiting for devices that are not connected, kept in the data folder so that a
/// restarted sandbox still delivers them. Each device's queue is bounded: past `limit` the
/// oldest stanzas are dropped, as WhatsApp drops what waited too long.
///
/// Each change is appended to `sandbox-offline.log` rather than rewriting every queue (a
/// device offline for a thousand messages cost a thousand rewrites of all of them); the log is
/// folded into the snapshot `sandbox-offline.json` on open and whenever it holds
/// `compactionThreshold` changes and is longer than the last snapshot. Changes are numbered and
/// the snapshot names the last it holds, so a crash between writing the snapshot and clearing
/// the log replays nothing twice.
actor OfflineQueue {
    static let fileName = "sandbox-offline.json"
    static let logName = "sandbox-offline.log"
    static let compactionThreshold = 1000

    /// A logged change to one device's queue.
    struct Change: Codable {
        enum Kind: String, Codable {
            case append, putBack, takeAll
        }

        var sequence: UInt64
        var device: String
        var kind: Kind
        var frames: [Data]

        func apply(to queues: inout [String: [Data]], limit: Int) {
            var queue = queues[device] ?? []
            switch kind {
            case .append: queue += frames
            case .putBack: queue = frames + queue
            case .takeAll: queue = []
            }
            if queue.count > limit { queue.removeFirst(queue.count - limit) }
            queues[device] = queue.isEmpty ? nil : queue
        }
    }

    /// The queues as of change `sequence`.
    struct Snapshot: Codable {
        var queues: [String: [Data]] = [:]
        var sequence: UInt64 = 0
    }

    private let file: URL
    private let limit: Int
    private let log: AppendOnlyLog<Change>
    /// Encoded frames by device JID, and the last change applied.
    private var state: Snapshot
    /// The size of the snapshot last written.
    private var snapshotBytes: UInt64

    /// Reads the snapshot in `directory` and replays the changes logged after it; a missing
    /// snapshot means nothing is waiting.
    init(directory: URL, limit: Int) throws {
        file = directory.appendingPathComponent(Self.fileName)
        self.limit = limit
        var state = try Self.snapshot(in: file)
        let log = try AppendOnlyLog<Change>(file: directory.appendingPathComponent(Self.logName))
        for change in try log.replay() where change.sequence > state.sequence {
            change.apply(to: &state.queues, limit: limit)
            state.sequence = change.sequence
        }
        try Self.compact(state, into: file, clearing: log)
        self.log = log
        self.state = state
        snapshotBytes = PrivateFile.size(of: file)
    }

    /// Adds `nodes` after what already waits for `device`.
    func append(_ nodes: [Node], for device: JID) throws(OfflineQueueError) {
        try change(.append, device, frames: try Self.frames(nodes))
    }

    /// Puts `nodes` back in front of what waits for `device`: a connection that closed before
    /// handing them over returns them in their order.
    func putBack(_ nodes: [Node], for device: JID) throws(OfflineQueueError) {
        try change(.putBack, device, frames: try Self.frames(nodes))
    }

    /// Removes and returns everything waiting for `device`, oldest first. A stored frame that
    /// no longer decodes is dropped.
    func takeAll(for device: JID) throws(OfflineQueueError) -> [Node] {
        let frames = state.queues[device.description] ?? []
        guard !frames.isEmpty else { return [] }
        try change(.takeAll, device, frames: [])
        return frames.compactMap { try? Node(frame: Array($0)) }
    }

    /// How many stanzas wait for `device`.
    func count(for device: JID) -> Int {
        state.queues[device.description]?.count ?? 0
    }

    private static func frames(_ nodes: [Node]) throws(OfflineQueueError) -> [Data] {
        var frames: [Data] = []
        for node in nodes {
            do {
                frames.append(Data(try node.encodedFrame()))
            } catch {
                throw .unencodable("\(error)")
            }
        }
        return frames
    }

    /// Logs the change, then applies it; when logging fails nothing changes.
    private func change(_ kind: Change.Kind, _ device: JID, frames: [Data]) throws(OfflineQueueError) {
        let change = Change(sequence: state.sequence + 1, device: device.description, kind: kind, frames: frames)
        do {
            try log.append(line: try JSONEncoder().encode(change) + [UInt8(ascii: "\n")])
        } catch {
            throw .storage("\(error)")
        }
        change.apply(to: &state.queues, limit: limit)
        state.sequence = change.sequence
        guard log.count >= Self.compactionThreshold, log.bytes > snapshotBytes else { return }
        do {
            try Self.compact(state, into: file, clearing: log)
        } catch {
            // The change is in the log, which the next compaction (or open) folds in.
            return
        }
        snapshotBytes = PrivateFile.size(of: file)
    }

    /// The snapshot in `file`: empty when there is none, and a bare map of queues as written
    /// before the log existed.
    private static func snapshot(in file: URL) throws -> Snapshot {
        guard FileManager.default.fileExists(atPath: file.path) else { return Snapshot() }
        let data = try Data(contentsOf: file)
        if let snapshot = try? JSONDecoder().decode(Snapshot.self, from: data) { return snapshot }
        return Snapshot(queues: try JSONDecoder().decode([String: [Data]].self, from: data))
    }

    private static func compact(_ state: Snapshot, into file: URL, clearing log: AppendOnlyLog<Change>) throws {
        try PrivateFile.writeJSON(state, to: file)
        try log.clear()
    }
}
