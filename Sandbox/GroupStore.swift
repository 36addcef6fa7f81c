import Foundation
import WABinary

/// The sandbox's groups, in `sandbox-groups.json` in the data folder (owner-only, rewritten
/// atomically on every change), so a restarted sandbox keeps them.
actor GroupStore {
    static let fileName = "sandbox-groups.json"

    private let file: URL
    /// By the user part of the group JID.
    private var groups: [String: GroupRecord]

    /// Reads the file in `directory`; a missing file means no groups yet.
    init(directory: URL) throws {
        file = directory.appendingPathComponent(Self.fileName)
        groups = try PrivateFile.readJSON([String: GroupRecord].self, from: file) ?? [:]
    }

    /// Creates a group of `creator` and `participants` with a fresh id like WhatsApp's
    /// ("120363" and 12 more digits), addressed by phone number or, `addressingMode` "lid", by LID.
    func create(
        subject: String, creator: String, participants: [String], addressingMode: String? = nil, now: Date = Date()
    ) throws(PrivateFile.WriteError) -> GroupRecord {
        var id: String
        repeat {
            id = "120363" + (0..<12).map { _ in String(Int.random(in: 0...9)) }.joined()
        } while groups[id] != nil
        var members = [creator]
        for participant in participants where !members.contains(participant) { members.append(participant) }
        var record = GroupRecord(
            id: id, subject: subject, creator: creator, participants: members, created: Int64(now.timeIntervalSince1970))
        record.addressingMode = addressingMode
        try save(record)
        return record
    }

    /// Applies `change` to the group `jid` names and saves it.
    /// - Returns: the group before and after the change.
    /// - Throws: `ControlError.notFound` for no such group, what `change` throws, or
    ///   `ControlError.internalError` when saving failed (then nothing changed).
    func update(_ jid: JID, _ change: @Sendable (inout GroupRecord) throws(ControlError) -> Void) throws(ControlError)
        -> (before: GroupRecord, after: GroupRecord)
    {
        guard let before = group(jid) else { throw .notFound("no group \(jid)") }
        var after = before
        try change(&after)
        do throws(PrivateFile.WriteError) {
            try save(after)
        } catch {
            throw .internalError(error.description)
        }
        return (before, after)
    }

    /// Stores `record` and rewrites the file; when writing fails nothing changes.
    private func save(_ record: GroupRecord) throws(PrivateFile.WriteError) {
        let before = groups
        groups[record.id] = record
        do throws(PrivateFile.WriteError) {
            try PrivateFile.writeJSON(groups, to: file)
        } catch {
            groups = before
            throw error
        }
    }

    /// The group `jid` names, if the sandbox has it.
    func group(_ jid: JID) -> GroupRecord? {
        guard jid.server == JID.groupServer else { return nil }
        return groups[jid.user]
    }

    /// The groups `phone` is a member of.
    func groups(of phone: String) -> [GroupRecord] {
        groups.values.filter { $0.participants.contains(phone) }
    }
}
