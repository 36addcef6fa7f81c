import Foundation
import WABinary

/// Locates the conformance data in `shared/` beside the checkout (`../shared` from the repo
/// root), or in `WAGO_SHARED_DIR` when set.
public enum SharedData {
    /// The `shared/` folder. Fails the calling test with a clear message when it is missing.
    public static func directory(file: StaticString = #filePath) throws -> URL {
        if let dir = ProcessInfo.processInfo.environment["WAGO_SHARED_DIR"] {
            return URL(fileURLWithPath: dir, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("shared/vectors", isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.path) {
                return dir.appendingPathComponent("shared", isDirectory: true)
            }
            dir.deleteLastPathComponent()
        }
        throw MissingSharedData()
    }

    /// Raw bytes of `shared/<relativePath>`, e.g. `vectors/binary.json`.
    public static func data(_ relativePath: String) throws -> Data {
        try Data(contentsOf: directory().appendingPathComponent(relativePath))
    }

    /// `shared/<relativePath>` parsed as a JSON object.
    public static func json(_ relativePath: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: data(relativePath)) as? [String: Any]
        else { throw MissingSharedData() }
        return object
    }
}

public struct MissingSharedData: Error, CustomStringConvertible {
    public var description: String {
        "shared/ (with vectors/) was not found above the checkout; set WAGO_SHARED_DIR"
    }
}

extension Data {
    /// Bytes from hex in either case; nil when `hex` is not hex.
    public init?(hex: String) {
        guard let bytes = try? Hex.bytes(hex) else { return nil }
        self.init(bytes)
    }

    public var hex: String { Hex.string(self) }
}
