import Foundation
import GRDB
import Synchronization
import Testing
import WagoPluginABI
import WagoStore
@testable import WagoServer

/// The plugin ABI's storage is synchronous and plugins call it from cooperative threads. It
/// used to read through a pool reader: async reads give their reader back only once their task
/// runs again on the cooperative pool, so with every pool thread blocked in kv_get waiting for a
/// reader, none came back (the send benchmark's deadlock with 5+ sessions). Here async reads
/// hold every reader until the kv calls return, so a kv call that needs a reader never does.
@Suite("Plugin host storage beside async reads")
struct PluginHostStorageTests {
    @Test("kv_set, kv_get and kv_delete answer while async reads hold every reader connection")
    func kvNeedsNoReader() async throws {
        let database = try WagoDatabase(
            dataDirectory: TestGateway.temporaryDirectory(), secrets: SecretBox(masterKey: .init(size: .bits256)))
        // The table is immutable and built for calls from any thread.
        nonisolated(unsafe) let api = HostAPI.makeTable(
            for: PluginContext(plugin: "p", services: try PluginHostTests.services(on: database))).pointee
        let readerCount = database.pool.configuration.maximumReaderCount
        let held = Shared(0)
        let release = DispatchSemaphore(value: 0)
        let reads = (0..<readerCount).map { _ in
            Task {
                try await database.pool.read { _ in
                    held.value.withLock { $0 += 1 }
                    release.wait()
                }
            }
        }
        try await Self.poll { held.value.withLock { $0 } == readerCount }

        // On a thread of its own, so that a call stuck waiting for a reader fails the test
        // instead of hanging it.
        let answers = Shared<[String]?>(nil)
        Thread.detachNewThread {
            let set = "s1".withBorrowedStr { session in
                "k".withBorrowedStr { key in withBorrowedBytes(Array("v1".utf8)) { api.kv_set(api.host, session, key, $0) } }
            }
            let value = PluginHostTests.read(api, session: "s1", key: "k")
            let deleted = "s1".withBorrowedStr { session in "k".withBorrowedStr { api.kv_delete(api.host, session, $0) } }
            answers.value.withLock { $0 = ["\(set)", value ?? "nil", "\(deleted)"] }
        }
        let answered = try await Self.poll(for: .seconds(5)) { answers.value.withLock { $0 } != nil }
        for _ in 0..<readerCount { release.signal() }
        for read in reads { try await read.value }

        #expect(answered, "a kv call waited for a reader connection that async reads held")
        try await Self.poll { answers.value.withLock { $0 } != nil }
        #expect(answers.value.withLock { $0 } == ["\(WAGO_OK)", "v1", "\(WAGO_OK)"])
    }

    final class Shared<Value: Sendable>: Sendable {
        let value: Mutex<Value>
        init(_ value: Value) { self.value = Mutex(value) }
    }

    /// Polls `condition` every 10 ms; returns whether it held within `limit`.
    @discardableResult
    static func poll(for limit: Duration = .seconds(30), _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }
}
