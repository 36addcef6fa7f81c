import Foundation
import Hummingbird

/// A request's JSON object with typed field access whose errors name the field, as WaGo's
/// do ("missing Phone in payload").
struct JSONBody: Sendable {
    private let fields: [String: any Sendable]

    /// Reads the body; an empty body is an empty object, since many routes take none.
    static func read(_ request: Request, context: some RequestContext, limit: Int) async throws -> JSONBody {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.contentTooLarge, "request body is larger than \(limit) bytes")
        }
        return try JSONBody(bytes: Data(buffer.readableBytesView))
    }

    init(bytes: Data) throws {
        guard !bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else {
            fields = [:]
            return
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: bytes)
        } catch {
            throw APIError.badRequest("could not decode payload: the body is not valid JSON")
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError.badRequest("could not decode payload: the body must be a JSON object")
        }
        fields = dictionary.mapValues { JSONBody.sendable($0) }
    }

    /// An optional string field; throws when present with another type.
    func string(_ name: String) throws -> String? {
        switch fields[name] {
        case nil, is NSNull: return nil
        case let value as String: return value
        default: throw APIError.badRequest("\(name) must be a string")
        }
    }

    /// A string field that must be present and not empty.
    func requiredString(_ name: String) throws -> String {
        guard let value = try string(name), !value.isEmpty else {
            throw APIError.badRequest("missing \(name) in payload")
        }
        return value
    }

    /// An optional boolean field; throws when present with another type.
    func bool(_ name: String) throws -> Bool? {
        switch fields[name] {
        case nil, is NSNull: return nil
        case let value as Bool: return value
        default: throw APIError.badRequest("\(name) must be true or false")
        }
    }

    /// An optional list of strings, given as a JSON array or as one comma-separated string.
    func stringList(_ name: String) throws -> [String]? {
        switch fields[name] {
        case nil, is NSNull: return nil
        case let value as String:
            return value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case let values as [any Sendable]:
            return try values.map { value in
                guard let string = value as? String else { throw APIError.badRequest("\(name) must be a list of strings") }
                return string
            }
        default: throw APIError.badRequest("\(name) must be a list of strings")
        }
    }

    // JSONSerialization's values are immutable Foundation objects; carrying them as Sendable
    // is safe because nothing mutates them after parsing.
    private static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let value as String: value
        // Foundation marks JSON booleans with the C type "c"; other numbers are not booleans.
        case let value as NSNumber where String(cString: value.objCType) == "c": value.boolValue
        case let value as NSNumber: value.doubleValue
        case let value as [Any]: value.map(sendable)
        case let value as [String: Any]: value.mapValues(sendable)
        default: NSNull()
        }
    }
}
