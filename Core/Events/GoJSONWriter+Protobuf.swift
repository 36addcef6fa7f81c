import SwiftProtobuf

extension GoJSONWriter {
    /// A WAProto message as `encoding/json` writes the struct protoc-gen-go generates for it
    /// (not protojson): fields in declaration order under their json tags, unset fields left
    /// out, enums and 64-bit integers as numbers, bytes as base64, oneofs as
    /// `"GoName":{"MemberGoName":value}` or `null`.
    public mutating func message(_ message: some SwiftProtobuf.Message) throws(GoJSONError) {
        let typeName = type(of: message).protoMessageName
        guard let layout = GoStructLayout.byProtoMessageName[typeName] else { throw .unknownMessageType(typeName) }
        var collector = GoProtoFieldCollector(messageType: typeName)
        do {
            try message.traverse(visitor: &collector)
        } catch let error as GoJSONError {
            throw error
        } catch {
            throw .traversalFailed(messageType: typeName, reason: String(describing: error))
        }
        if let unknown = collector.values.keys.filter({ layout.slotOfField[$0] == nil }).min() {
            throw .unknownField(messageType: typeName, fieldNumber: unknown)
        }
        object { writer in
            for index in layout.slotsToWrite(collector.values.keys) {
                switch layout.slots[index] {
                case .field(let number, let key):
                    guard let value = collector.values[number]?.first, !collector.emptyBytesFields.contains(number)
                    else { continue }
                    writer.field(key)
                    writer.raw(value)
                case .repeated(let number, let key):
                    guard let elements = collector.values[number] else { continue }
                    writer.field(key)
                    writer.array { writer in
                        for element in elements {
                            writer.nextElement()
                            writer.raw(element)
                        }
                    }
                case .oneof(let key, let members):
                    writer.field(key)
                    guard let (number, memberKey) = members.first(where: { collector.values[$0.0] != nil }),
                        let value = collector.values[number]?.first
                    else {
                        writer.null()
                        continue
                    }
                    writer.object { writer in
                        writer.field(memberKey)
                        writer.raw(value)
                    }
                }
            }
        }
    }
}

extension GoJSONWriter {
    /// `key` and then a message pointer: the message, or `null` when nil.
    public mutating func field(_ key: String, message: (some SwiftProtobuf.Message)?) throws(GoJSONError) {
        field(key)
        if let message {
            try self.message(message)
        } else {
            null()
        }
    }
}
