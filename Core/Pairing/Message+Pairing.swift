import SwiftProtobuf

/// Protobuf coding with failures reported as `PairingError.malformed` naming the message.
extension SwiftProtobuf.Message {
    /// Decodes `bytes`; `name` says what they were meant to be.
    init(pairingBytes bytes: [UInt8], name: String) throws(PairingError) {
        do {
            try self.init(serializedBytes: bytes)
        } catch {
            throw .malformed("\(name) is not a valid \(Self.protoMessageName)")
        }
    }

    /// The serialized message.
    func pairingBytes() throws(PairingError) -> [UInt8] {
        do {
            return try serializedBytes()
        } catch {
            throw .malformed("\(Self.protoMessageName) does not serialize")
        }
    }
}
