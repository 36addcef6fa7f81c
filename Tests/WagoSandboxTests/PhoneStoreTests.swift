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

    @Test("a message received again is kept once; another with the same id is kept; the oldest go beyond the limit")
    func receivedMessagesAreKeptOnceAndBounded() {
        var state = PhoneStore.PhoneState()
        let first = Self.message("1")
        var sameID = first
        sameID.from = "15550003333@s.whatsapp.net"
        for message in [first, first, sameID, sameID] { state.receive(message) }
        #expect(state.received == [first, sameID])

        for index in 0..<PhoneStore.messageLimit { state.receive(Self.message("m\(index)")) }
        #expect(state.received.count == PhoneStore.messageLimit)
        #expect(state.received.first?.id == "m0")
        // Dropped ones are forgotten: received again, they are kept again (as the newest).
        state.receive(first)
        #expect(state.received.last == first)
        #expect(state.received.first?.id == "m1")
        state.receive(Self.message("m5"))
        #expect(state.received.count == PhoneStore.messageLimit)
        #expect(state.received.filter { $0.id == "m5" }.count == 1)
    }

    @Test("a change's log line reads back as the change, whatever its strings hold")
    func logLinesReadBack() throws {
        let awkward = "a\"b\\c/d\n\u{1}\té ✓ 😀"
        let changes = [
            PhoneChange(
                phone: awkward,
                session: PhoneChange.Session(address: awkward, record: Data([0, 1, 255]), identity: Data(), consumedPreKey: 7)),
            PhoneChange(
                phone: "1", session: PhoneChange.Session(address: "2.0", record: Data([9]), identity: Data([8]), consumedPreKey: nil)),
            PhoneChange(
                phone: "1",
                groupKeys: PhoneChange.GroupKeys(
                    group: "120363@g.us", senderKey: awkward, record: Data([1, 2]), forgetsHolders: true, addedHolders: [awkward, "x"])),
            PhoneChange(phone: "1", groupKeys: PhoneChange.GroupKeys(group: "g", senderKey: nil, record: nil)),
            PhoneChange(
                phone: "1",
                received: PhoneMessage(id: awkward, from: "f", chat: awkward, timestamp: -5, message: Data(repeating: 7, count: 100))),
        ]
        for change in changes {
            let line = change.logLine
            #expect(line.last == UInt8(ascii: "\n"))
            #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
            #expect(try JSONDecoder().decode(PhoneChange.self, from: line) == change)
            // The object JSONEncoder writes for it, field for field.
            let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(change)) as? NSDictionary
            #expect(try JSONSerialization.jsonObject(with: line) as? NSDictionary == encoded)
        }
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
