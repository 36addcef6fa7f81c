import Foundation

/// An append-only file of `Record`s, one JSON object a line, readable by the owner only: the
/// changes made since a store last wrote its snapshot. Appending costs one change, not the whole
/// state. A crash mid-append leaves a partial last line, which `replay` ignores; a failed append
/// is cut off again, so later ones stay readable.
final class AppendOnlyLog<Record: Decodable> {
    private let file: URL
    private let handle: FileHandle
    /// Changes appended since the log was last cleared, replayed ones included.
    private(set) var count = 0
    /// The log's length in bytes.
    private(set) var bytes: UInt64 = 0

    init(file: URL) throws {
        self.file = file
        if !FileManager.default.fileExists(atPath: file.path) {
            guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
            else { throw PrivateFile.WriteError(path: file.path, reason: "the file could not be created") }
        }
        handle = try FileHandle(forUpdating: file)
    }

    deinit {
        try? handle.close()
    }

    /// The logged changes, oldest first.
    func replay() throws -> [Record] {
        try handle.seek(toOffset: 0)
        let content = try handle.readToEnd() ?? Data()
        bytes = UInt64(content.count)
        let lines = content.split(separator: UInt8(ascii: "\n"))
        let decoder = JSONDecoder()
        var changes: [Record] = []
        for (index, line) in lines.enumerated() {
            do {
                changes.append(try decoder.decode(Record.self, from: line))
            } catch {
                guard index == lines.count - 1 else { throw AppendOnlyLogDamage(path: file.path, line: index + 1) }
            }
        }
        count = changes.count
        return changes
    }

    /// Appends one encoded record and its newline: callers encode it before they take the
    /// store's turn, so that several encode in parallel. One `pwrite` at the log's end (the
    /// phones append for every message, and a seek and a `FileHandle` write cost two calls and more).
    func append(line: Data) throws(PrivateFile.WriteError) {
        var written = 0
        while written < line.count {
            let (result, error) = line.withUnsafeBytes { buffer -> (Int, Int32) in
                guard let start = buffer.baseAddress else { return (0, 0) }
                let result = pwrite(
                    handle.fileDescriptor, start + written, buffer.count - written, off_t(bytes) + off_t(written))
                return (result, errno)
            }
            if result < 0, error == EINTR { continue }
            guard result > 0 else {
                try? handle.truncate(atOffset: bytes)
                let reason = result < 0 ? String(cString: strerror(error)) : "nothing was written"
                throw PrivateFile.WriteError(path: file.path, reason: reason)
            }
            written += result
        }
        bytes += UInt64(line.count)
        count += 1
    }

    /// Empties the log (its changes are in the snapshot now).
    func clear() throws(PrivateFile.WriteError) {
        do {
            try handle.truncate(atOffset: 0)
        } catch {
            throw PrivateFile.WriteError(path: file.path, reason: "\(error)")
        }
        count = 0
        bytes = 0
    }
}

/// A line of an `AppendOnlyLog` before the last one does not decode: the log was damaged, not
/// cut short.
struct AppendOnlyLogDamage: Error, Sendable, CustomStringConvertible {
    var path: String
    var line: Int

    var description: String { "\(path): line \(line) does not decode" }
}
