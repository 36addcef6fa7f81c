import Foundation
import Testing
import WABinary
@testable import WagoSandbox

/// The offline queue on its own: order, its bound, and its files.
struct OfflineQueueTests {
    static let device = JID(user: "15550001111", server: JID.userServer, device: 3)

    static func stanza(_ id: String) -> Node {
        Node(tag: "message", attributes: ["id": .string(id)], content: .nodes([Node(tag: "enc", content: .bytes([1]))]))
    }

    @Test func keepsOrderDropsTheOldestAndSurvivesAReload() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let queue = try OfflineQueue(directory: directory, limit: 3)
        try await queue.append([Self.stanza("1"), Self.stanza("2")], for: Self.device)
        try await queue.append([Self.stanza("3"), Self.stanza("4")], for: Self.device)
        #expect(await queue.count(for: Self.device) == 3)

        // The oldest went for the bound; the rest survives a restart, in order.
        let reloaded = try OfflineQueue(directory: directory, limit: 3)
        #expect(try await reloaded.takeAll(for: Self.device).map { $0["id"]?.description } == ["2", "3", "4"])

        // What a closing connection puts back goes in front of what arrived meanwhile.
        try await reloaded.append([Self.stanza("6")], for: Self.device)
        try await reloaded.putBack([Self.stanza("5")], for: Self.device)
        let taken = try await reloaded.takeAll(for: Self.device)
        #expect(taken == [Self.stanza("5"), Self.stanza("6")])
        #expect(try await reloaded.takeAll(for: Self.device).isEmpty)
        #expect(await (try OfflineQueue(directory: directory, limit: 3)).count(for: Self.device) == 0)
    }

    @Test func aCrashBeforeTheLogWasClearedReplaysNothingTwice() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent(OfflineQueue.logName)

        let queue = try OfflineQueue(directory: directory, limit: 10)
        try await queue.append([Self.stanza("1")], for: Self.device)
        try await queue.append([Self.stanza("2")], for: Self.device)
        let logged = try Data(contentsOf: log)
        #expect(logged.split(separator: UInt8(ascii: "\n")).count == 2, "one line a change, not a rewrite of the queues")

        // Opening folds the log into the snapshot and clears it; a crash in between leaves
        // the old lines behind, with a partial one after them.
        _ = try OfflineQueue(directory: directory, limit: 10)
        #expect(try Data(contentsOf: log).isEmpty)
        try (logged + Array(#"{"sequence":3,"dev"#.utf8)).write(to: log)
        let reopened = try OfflineQueue(directory: directory, limit: 10)
        #expect(try await reopened.takeAll(for: Self.device).map { $0["id"]?.description } == ["1", "2"])
    }
}
