import Foundation
import SwiftProtobuf

/// Gathers a message's set fields as Go JSON values while swift-protobuf visits them (by field
/// number); `GoJSONWriter.message(_:)` then writes them in Go struct order.
///
/// Unknown fields and extensions are skipped: in Go they live in unexported struct fields,
/// which `encoding/json` does not see.
struct GoProtoFieldCollector: SwiftProtobuf.Visitor {
    let messageType: String
    /// Each visited field's values, each already encoded; a singular field has one.
    private(set) var values: [Int: [[UInt8]]] = [:]
    /// Singular bytes fields that are set but empty: Go's `[]byte` with `omitempty` leaves them
    /// out (outside a oneof).
    private(set) var emptyBytesFields: Set<Int> = []

    init(messageType: String) { self.messageType = messageType }

    private mutating func add(
        _ fieldNumber: Int, _ encode: (inout GoJSONWriter) throws(GoJSONError) -> Void
    ) throws(GoJSONError) {
        var writer = GoJSONWriter()
        try encode(&writer)
        values[fieldNumber, default: []].append(writer.bytes)
    }

    private func fieldName(_ fieldNumber: Int) -> String { "\(messageType) field \(fieldNumber)" }

    mutating func visitSingularFloatField(value: Float, fieldNumber: Int) throws {
        let name = fieldName(fieldNumber)
        try add(fieldNumber) { writer throws(GoJSONError) in try writer.float32(value, field: name) }
    }

    mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {
        let name = fieldName(fieldNumber)
        try add(fieldNumber) { writer throws(GoJSONError) in try writer.float64(value, field: name) }
    }

    mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {
        try add(fieldNumber) { $0.integer(value) }
    }

    mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {
        try add(fieldNumber) { $0.unsignedInteger(value) }
    }

    mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {
        try add(fieldNumber) { $0.bool(value) }
    }

    mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
        try add(fieldNumber) { $0.string(value) }
    }

    mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {
        if value.isEmpty { emptyBytesFields.insert(fieldNumber) }
        try add(fieldNumber) { $0.base64(value) }
    }

    /// Go enums are `int32` types: numbers, not names.
    mutating func visitSingularEnumField<E: SwiftProtobuf.Enum>(value: E, fieldNumber: Int) throws {
        try add(fieldNumber) { $0.integer(Int64(value.rawValue)) }
    }

    mutating func visitSingularMessageField<M: SwiftProtobuf.Message>(value: M, fieldNumber: Int) throws {
        try add(fieldNumber) { writer throws(GoJSONError) in try writer.message(value) }
    }

    mutating func visitSingularGroupField<G: SwiftProtobuf.Message>(value: G, fieldNumber: Int) throws {
        try add(fieldNumber) { writer throws(GoJSONError) in try writer.message(value) }
    }

    /// A Go map would be an object with sorted keys; no WAProto message has one, so a map
    /// means the layout table is out of date.
    mutating func visitMapField<KeyType, ValueType: MapValueType>(
        fieldType: _ProtobufMap<KeyType, ValueType>.Type, value: _ProtobufMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws {
        throw GoJSONError.unknownField(messageType: messageType, fieldNumber: fieldNumber)
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type, value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
        fieldNumber: Int
    ) throws where ValueType.RawValue == Int {
        throw GoJSONError.unknownField(messageType: messageType, fieldNumber: fieldNumber)
    }

    mutating func visitMapField<KeyType, ValueType>(
        fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
        value: _ProtobufMessageMap<KeyType, ValueType>.BaseType, fieldNumber: Int
    ) throws {
        throw GoJSONError.unknownField(messageType: messageType, fieldNumber: fieldNumber)
    }

    mutating func visitExtensionFields(fields: ExtensionFieldValueSet, start: Int, end: Int) throws {}

    mutating func visitExtensionFieldsAsMessageSet(fields: ExtensionFieldValueSet, start: Int, end: Int) throws {}

    mutating func visitUnknown(bytes: Data) throws {}
}
