import Foundation
import WABinary

/// Stanzas waiting for devices that are not connected, kept in `sandbox-offline.json` in the
/// data folder so that a restarted sandbox still delivers them. Each device's queue is bounded:
/// past `limit` the oldest stanzas are dropped, as WhatsApp drops what waited too long.
actor OfflineQueue {
    static let fileName = "sandbox-offline.json"

    private let file: URL
    private let limit: Int
    /// Encoded frames by device JID.
    private var queues: [String: [Data]]

    /// Reads the queue file in `directory`; a missing file means nothing is waiting.
    init(directory: URL, limit: Int) throws {
        file = directory.appendingPathComponent(Self.fileName)
        self.limit = limit
        if FileManager.default.fileExists(atPath: file.path) {
            queues = try JSONDecoder().decode([String: [Data]].self, from: Data(contentsOf: file))
        } else {
            queues = [:]
        }
    }

    /// Adds `nodes` after what already waits for `device`.
    func append(_ nodes: [Node], for device: JID) throws(OfflineQueueError) {
        let frames = try Self.frames(nodes)
        try change(device) { $0 += frames }
    }

    /// Puts `nodes` back in front of what waits for `device`: a connection that closed before
    /// handing them over returns them in their order.
    func putBack(_ nodes: [Node], for device: JID) throws(OfflineQueueError) {
        let frames = try Self.frames(nodes)
        try change(device) { $0 = frames + $0 }
    }

    /// Removes and returns everything waiting for `device`, oldest first. A stored frame that
    /// no longer decodes is dropped.
    func takeAll(for device: JID) throws(OfflineQueueError) -> [Node] {
        let frames = queues[device.description] ?? []
        guard !frames.isEmpty else { return [] }
        try change(device) { $0 = [] }
        return frames.compactMap { try? Node(frame: Array($0)) }
    }

    /// How many stanzas wait for `device`.
    func count(for device: JID) -> Int {
        queues[device.description]?.count ?? 0
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

    /// Applies `mutation` to `device`'s queue, trims it to `limit` and saves; when saving
    /// fails the change is undone.
    private func change(_ device: JID, _ mutation: (inout [Data]) -> Void) throws(OfflineQueueError) {
        let before = queues
        var queue = queues[device.description] ?? []
        mutation(&queue)
        if queue.count > limit { queue.removeFirst(queue.count - limit) }
        queues[device.description] = queue.isEmpty ? nil : queue
        do throws(PrivateFile.WriteError) {
            try PrivateFile.writeJSON(queues, to: file)
        } catch {
            queues = before
            throw .storage(error.description)
        }
    }
}
