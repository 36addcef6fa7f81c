import Foundation
import Testing
@testable import WagoSandbox

/// The virtual phones' state file: changes are logged, survive a reload, and a change cut
/// short by a crash is dropped without hiding the ones logged after it.
struct PhoneStoreTests {
    static let phone = "15550002222"

    static func message(_ id: String) -> PhoneMessage {
        PhoneMessage(id: id, from: "15550001111@s.whatsapp.net", chat: "15550001111@s.whatsapp.net", timestamp: 1, message: Data([1, 2]))
    }

    @Test func receivedMessagesSurviveReloadsAndACutShortChange() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-phones-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let store = try PhoneStore(directory: directory)
        try await store.record(Self.message("1"), of: Self.phone)
        try await store.record(Self.message("2"), of: Self.phone)
        #expect(await (try PhoneStore(directory: directory)).received(by: Self.phone).map(\.id) == ["1", "2"])

        // A crash mid-append leaves half a line; the reload drops it and later changes stay readable.
        let log = try FileHandle(forWritingTo: directory.appendingPathComponent("sandbox-phones.log"))
        try log.seekToEnd()
        try log.write(contentsOf: Data(#"{"phone":"155500"#.utf8))
        try log.close()
        let reloaded = try PhoneStore(directory: directory)
        #expect(await reloaded.received(by: Self.phone).map(\.id) == ["1", "2"])
        try await reloaded.record(Self.message("3"), of: Self.phone)
        #expect(await (try PhoneStore(directory: directory)).received(by: Self.phone).map(\.id) == ["1", "2", "3"])
    }
}
