import Foundation
import Testing
import WABinary
import WASignal
@testable import WagoSandbox

/// The virtual phones' state file: changes are logged, survive a reload, and a change cut
/// short by a crash is dropped without hiding the ones logged after it.
struct PhoneStoreTests {
    static let phone = "15550002222"

    static func message(_ id: String) -> PhoneMessage {
        PhoneMessage(id: id, from: "15550001111@s.whatsapp.net", chat: "15550001111@s.whatsapp.net", timestamp: 1, message: Data([1, 2]))
    }

    /// A new empty folder for one test's store.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-phones-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func receivedMessagesSurviveReloadsAndACutShortChange() async throws {
        let directory = try Self.temporaryDirectory()
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

    @Test func groupKeysAreLoggedWithTheRestAndAdoptedFromTheEarlierFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let group = try JID(parsing: "120363000000000001@g.us")
        let name = SenderKeyName(groupID: group.description, sender: SignalAddress(name: Self.phone, deviceID: 0))
        let device = try JID(parsing: "15550001111:7@s.whatsapp.net")

        let store = try PhoneStore(directory: directory)
        try await store.storeSenderKey(SenderKeyRecord(), for: name, of: Self.phone)
        try await store.addHolders([device], of: group, phone: Self.phone)
        var reloaded = try PhoneStore(directory: directory)
        #expect(try await reloaded.senderKey(of: Self.phone, for: name) != nil)
        #expect(await reloaded.holders(of: group, phone: Self.phone) == [device])

        try await reloaded.startOver(name, of: group, phone: Self.phone)
        reloaded = try PhoneStore(directory: directory)
        #expect(try await reloaded.senderKey(of: Self.phone, for: name) == nil)
        #expect(await reloaded.holders(of: group, phone: Self.phone).isEmpty)

        // The file earlier versions kept group keys in is merged once, then removed.
        let earlier = directory.appendingPathComponent(PhoneStore.groupKeysFileName)
        let key = PhoneStore.senderKeyName(name)
        let json = #"{"\#(Self.phone)":{"senderKeys":{"\#(key.replacingOccurrences(of: "\u{0}", with: "\\u0000"))":""},"holders":{"\#(group)":["\#(device)"]}}}"#
        try Data(json.utf8).write(to: earlier)
        reloaded = try PhoneStore(directory: directory)
        #expect(!FileManager.default.fileExists(atPath: earlier.path))
        #expect(try await reloaded.senderKey(of: Self.phone, for: name) != nil)
        #expect(await (try PhoneStore(directory: directory)).holders(of: group, phone: Self.phone) == [device])
    }
}
