import Foundation
import NIOCore

/// A control request's JSON object, read so that every refusal names the field at fault.
struct ControlBody {
    private let fields: [String: Any]

    /// The body of a request that has none (GET).
    static var empty: ControlBody { ControlBody(fields: [:]) }

    private init(fields: [String: Any]) {
        self.fields = fields
    }

    /// Parses `buffer` as one JSON object.
    init(_ buffer: ByteBuffer) throws(ControlError) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)),
            let fields = object as? [String: Any]
        else { throw .badRequest("the body must be a JSON object") }
        self.fields = fields
    }

    /// The non-empty string field `name`.
    func string(_ name: String) throws(ControlError) -> String {
        guard let value = fields[name] else { throw .badRequest("missing \(name) in payload") }
        guard let string = value as? String else { throw .badRequest("\(name) must be a string") }
        guard !string.isEmpty else { throw .badRequest("\(name) must not be empty") }
        return string
    }

    /// The string field `name`, or nil when it is missing.
    func optionalString(_ name: String) throws(ControlError) -> String? {
        guard let value = fields[name] else { return nil }
        guard let string = value as? String else { throw .badRequest("\(name) must be a string") }
        return string
    }

    /// The boolean field `name`, or nil when it is missing.
    func optionalBool(_ name: String) throws(ControlError) -> Bool? {
        guard let value = fields[name] else { return nil }
        guard let bool = value as? Bool else { throw .badRequest("\(name) must be true or false") }
        return bool
    }

    /// The array field `name` of non-empty strings.
    func strings(_ name: String) throws(ControlError) -> [String] {
        guard let value = fields[name] else { throw .badRequest("missing \(name) in payload") }
        guard let strings = value as? [String], !strings.contains(where: \.isEmpty) else {
            throw .badRequest("\(name) must be an array of non-empty strings")
        }
        return strings
    }

    /// The JSON object field `name`, as JSON text.
    func objectJSON(_ name: String) throws(ControlError) -> String {
        guard let value = fields[name] else { throw .badRequest("missing \(name) in payload") }
        guard value is [String: Any], let data = try? JSONSerialization.data(withJSONObject: value) else {
            throw .badRequest("\(name) must be a JSON object")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
