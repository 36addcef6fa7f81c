import Foundation

/// The sandbox's data files: written whole to a temporary file readable by the owner only,
/// then renamed over the old one, so a crash leaves either the old or the new content.
enum PrivateFile {
    /// Why a data file could not be written.
    struct WriteError: Error, Sendable, CustomStringConvertible {
        var path: String
        var reason: String

        var description: String { "could not write \(path): \(reason)" }
    }

    static func write(_ data: Data, to file: URL) throws(WriteError) {
        let temporary = file.deletingLastPathComponent().appendingPathComponent(
            ".\(file.lastPathComponent).\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: temporary.path, contents: data, attributes: [.posixPermissions: 0o600])
        else { throw WriteError(path: temporary.path, reason: "the file could not be created") }
        guard rename(temporary.path, file.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw WriteError(path: file.path, reason: reason)
        }
    }

    /// The size of `file` in bytes; 0 when it cannot be read.
    static func size(of file: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: file.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// The JSON value in `file`, or nil when there is no file yet.
    static func readJSON<Value: Decodable>(_ type: Value.Type, from file: URL) throws -> Value? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        return try JSONDecoder().decode(type, from: Data(contentsOf: file))
    }

    /// `value` as pretty JSON with sorted keys, written with `write`.
    static func writeJSON(_ value: some Encodable, to file: URL) throws(WriteError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw WriteError(path: file.path, reason: "encoding failed: \(error)")
        }
        try write(data, to: file)
    }
}
