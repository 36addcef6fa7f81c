import Foundation

/// The conversions behind `wago debug decode HEX` and `wago debug encode`.
public enum NodeDebug {
    /// Hex of a frame payload (flag byte included; zlib frames are inflated) → the node's
    /// JSON form, pretty-printed.
    public static func decode(hex: String) throws(NodeDebugError) -> String {
        let frame: [UInt8]
        do { frame = try Hex.bytes(hex) } catch { throw .hex(error) }
        let node: Node
        do { node = try Node(frame: frame) } catch { throw .decoding(error) }
        return String(decoding: node.jsonData(pretty: true), as: UTF8.self)
    }

    /// A node's JSON form → hex of its frame payload, starting with the flag byte `00`.
    public static func encode(json: Data) throws(NodeDebugError) -> String {
        let node: Node
        do { node = try Node(json: json) } catch { throw .json(error) }
        do { return Hex.string(try node.encodedFrame()) } catch { throw .encoding(error) }
    }
}

/// What went wrong in a `NodeDebug` conversion.
public enum NodeDebugError: Error, Sendable, Equatable, CustomStringConvertible {
    case hex(HexError)
    case decoding(BinaryDecodingError)
    case json(NodeJSONError)
    case encoding(BinaryEncodingError)

    public var description: String {
        switch self {
        case .hex(let error): "invalid hex: \(error)"
        case .decoding(let error): "invalid binary node: \(error)"
        case .json(let error): "invalid node JSON: \(error)"
        case .encoding(let error): "cannot encode node: \(error)"
        }
    }
}
