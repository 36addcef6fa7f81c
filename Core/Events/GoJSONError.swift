/// Why a value has no Go `encoding/json` form: the cases where `json.Marshal` fails in Go, so
/// that WaGo would post nothing, plus WAProto messages this module has no layout for.
public enum GoJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A NaN or infinite float (Go: "json: unsupported value").
    case unsupportedFloat(field: String)
    /// A message type missing from `GoStructLayout.byProtoMessageName` (regenerate the table).
    case unknownMessageType(String)
    /// A field number the message's layout does not list (regenerate the table).
    case unknownField(messageType: String, fieldNumber: Int)
    /// swift-protobuf failed while visiting a message.
    case traversalFailed(messageType: String, reason: String)

    public var description: String {
        switch self {
        case .unsupportedFloat(let field): "\(field): NaN and infinite floats have no JSON form"
        case .unknownMessageType(let name): "no Go struct layout for protobuf message \(name)"
        case .unknownField(let type, let number): "no Go struct field for field \(number) of \(type)"
        case .traversalFailed(let type, let reason): "visiting \(type) failed: \(reason)"
        }
    }
}
