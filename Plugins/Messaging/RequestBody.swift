import Foundation
import WagoPluginKit

/// A request's JSON object with field access whose errors name the field, as WaGo's do.
struct RequestBody {
    private let fields: [String: Any]

    init(_ request: Request) throws {
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any] else {
            throw HTTPError(400, "could not decode payload: the body must be a JSON object")
        }
        fields = object
    }

    func string(_ name: String) throws -> String? {
        switch fields[name] {
        case nil, is NSNull: return nil
        case let value as String: return value
        default: throw HTTPError(400, "\(name) must be a string")
        }
    }

    func requiredString(_ name: String) throws -> String {
        guard let value = try string(name), !value.isEmpty else { throw HTTPError(400, "missing \(name) in payload") }
        return value
    }

    func bool(_ name: String) throws -> Bool? {
        switch fields[name] {
        case nil, is NSNull: return nil
        case let value as NSNumber where String(cString: value.objCType) == "c": return value.boolValue
        default: throw HTTPError(400, "\(name) must be true or false")
        }
    }

    func object(_ name: String) throws -> [String: Any]? {
        switch fields[name] {
        case nil, is NSNull: return nil
        case let value as [String: Any]: return value
        default: throw HTTPError(400, "\(name) must be an object")
        }
    }

    /// A list of strings, or one string as a list of one.
    func stringList(_ name: String) throws -> [String] {
        switch fields[name] {
        case nil, is NSNull: throw HTTPError(400, "missing \(name) in payload")
        case let value as String: return [value]
        case let values as [Any]:
            return try values.map { value in
                guard let string = value as? String else { throw HTTPError(400, "\(name) must be a list of strings") }
                return string
            }
        default: throw HTTPError(400, "\(name) must be a list of strings")
        }
    }

    /// A chat JID from a phone number ("+55 11 99999-0001" → "5511999990001@s.whatsapp.net") or
    /// a JID as it is.
    func chat(_ name: String) throws -> String {
        let value = try requiredString(name)
        if value.contains("@") { return value }
        let digits = value.filter { !" +-().".contains($0) }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw HTTPError(400, "\(name) must be a phone number or a JID")
        }
        return digits + "@s.whatsapp.net"
    }
}
