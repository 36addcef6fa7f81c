import Foundation
import WagoPluginKit

/// A request's JSON object (or one object inside it) with field access whose errors name the
/// field, as WaGo's do: `missing Phone in payload`, `Buttons[1].id must be a string`.
struct RequestBody {
    private let fields: [String: Any]
    /// Where this object sits in the request, e.g. `Buttons[1]`; empty for the request itself.
    private let path: String

    init(_ request: Request) throws {
        guard let object = Self.stringMembers(request.body)
            ?? (try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any])
        else {
            throw HTTPError(400, "could not decode payload: the body must be a JSON object")
        }
        (fields, path) = (object, "")
    }

    /// The members of a body that is a UTF-8 object of strings only, as most are (`/send/text`),
    /// read with `JSONScanner` (~10 k instructions less than JSONSerialization); nil for any
    /// other body (numbers, nesting, a repeated key, ...), which JSONSerialization reads.
    private static func stringMembers(_ body: [UInt8]) -> [String: Any]? {
        guard String(validating: body, as: UTF8.self) != nil else { return nil }
        var members: [String: Any] = [:]
        var repeated = false
        var scanner = JSONScanner(body)
        do {
            try scanner.readObjectDocument { key, value in
                if members.updateValue(try value.string(), forKey: key.text) != nil { repeated = true }
            }
        } catch {
            return nil
        }
        return repeated ? nil : members
    }

    private init(fields: [String: Any], path: String) {
        (self.fields, self.path) = (fields, path)
    }

    /// The field's name as errors give it: `Vcard.Phone`, `List[0].RowId`.
    func name(_ field: String) -> String { path.isEmpty ? field : "\(path).\(field)" }

    func string(_ field: String) throws -> String? {
        switch fields[field] {
        case nil, is NSNull: return nil
        case let value as String: return value
        default: throw HTTPError(400, "\(name(field)) must be a string")
        }
    }

    func requiredString(_ field: String) throws -> String {
        guard let value = try string(field), !value.isEmpty else { throw missing(field) }
        return value
    }

    func bool(_ field: String) throws -> Bool? {
        switch fields[field] {
        case nil, is NSNull: return nil
        case let value as NSNumber where isBoolean(value): return value.boolValue
        default: throw HTTPError(400, "\(name(field)) must be true or false")
        }
    }

    func number(_ field: String) throws -> Double? {
        switch fields[field] {
        case nil, is NSNull: return nil
        case let value as NSNumber where !isBoolean(value) && value.doubleValue.isFinite: return value.doubleValue
        default: throw HTTPError(400, "\(name(field)) must be a number")
        }
    }

    func requiredNumber(_ field: String) throws -> Double {
        guard let value = try number(field) else { throw missing(field) }
        return value
    }

    /// A whole number within `range`.
    func integer(_ field: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let value = try number(field) else { return nil }
        guard value.rounded() == value, value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw HTTPError(400, "\(name(field)) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int64(value)
    }

    func object(_ field: String) throws -> [String: Any]? {
        switch fields[field] {
        case nil, is NSNull: return nil
        case let value as [String: Any]: return value
        default: throw HTTPError(400, "\(name(field)) must be an object")
        }
    }

    /// A nested object, read with the same checks.
    func requiredObject(_ field: String) throws -> RequestBody {
        guard let object = try object(field) else { throw missing(field) }
        return RequestBody(fields: object, path: name(field))
    }

    /// A list of objects; `nil` when absent.
    func objects(_ field: String) throws -> [RequestBody]? {
        switch fields[field] {
        case nil, is NSNull: return nil
        case let values as [Any]:
            return try values.enumerated().map { index, value in
                guard let object = value as? [String: Any] else {
                    throw HTTPError(400, "\(name(field)) must be a list of objects")
                }
                return RequestBody(fields: object, path: "\(name(field))[\(index)]")
            }
        default: throw HTTPError(400, "\(name(field)) must be a list of objects")
        }
    }

    /// A list of at least one object.
    func requiredObjects(_ field: String) throws -> [RequestBody] {
        guard let objects = try objects(field), !objects.isEmpty else { throw missing(field) }
        return objects
    }

    /// A list of strings, or one string as a list of one.
    func stringList(_ field: String) throws -> [String] {
        switch fields[field] {
        case nil, is NSNull: throw missing(field)
        case let value as String: return [value]
        case let values as [Any]:
            return try values.map { value in
                guard let string = value as? String else { throw HTTPError(400, "\(name(field)) must be a list of strings") }
                return string
            }
        default: throw HTTPError(400, "\(name(field)) must be a list of strings")
        }
    }

    /// A chat JID from a phone number ("+55 11 99999-0001" → "5511999990001@s.whatsapp.net") or
    /// a JID as it is. Reads bytes, not Characters (~35 k instructions a send less): a byte of a
    /// non-ASCII character is neither a digit nor a separator, so such a number is refused.
    func chat(_ field: String) throws -> String {
        let value = try requiredString(field)
        if value.utf8.contains(UInt8(ascii: "@")) { return value }
        var digits: [UInt8] = []
        digits.reserveCapacity(value.utf8.count + 15)
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits.append(byte)
            case UInt8(ascii: " "), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "."):
                continue
            default: throw notAChat(field)
            }
        }
        guard !digits.isEmpty else { throw notAChat(field) }
        digits.append(contentsOf: "@s.whatsapp.net".utf8)
        return String(decoding: digits, as: UTF8.self)
    }

    private func notAChat(_ field: String) -> HTTPError { HTTPError(400, "\(name(field)) must be a phone number or a JID") }

    /// Bytes sent as standard base64 (WaGo's `[]byte` fields).
    func base64(_ field: String) throws -> [UInt8]? {
        guard let text = try string(field), !text.isEmpty else { return nil }
        guard let data = Data(base64Encoded: text) else { throw HTTPError(400, "\(name(field)) must be base64") }
        return Array(data)
    }

    func missing(_ field: String) -> HTTPError { HTTPError(400, "missing \(name(field)) in payload") }

    func invalid(_ field: String, _ reason: String) -> HTTPError { HTTPError(400, "\(name(field)) \(reason)") }

    private func isBoolean(_ number: NSNumber) -> Bool {
        // Foundation decodes JSON true/false as NSNumber of type "c"; numbers use other types.
        String(cString: number.objCType) == "c"
    }
}
