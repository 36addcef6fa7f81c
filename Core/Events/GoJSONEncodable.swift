/// A value with a Go `encoding/json` form: the bytes `json.Marshal` writes for the Go value it
/// mirrors.
public protocol GoJSONEncodable {
    func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError)
}

extension GoJSONEncodable {
    /// The value's JSON alone, as Go's `json.Marshal` returns it.
    public func goJSON() throws(GoJSONError) -> [UInt8] {
        var writer = GoJSONWriter()
        try encodeGoJSON(to: &writer)
        return writer.bytes
    }
}

extension String: GoJSONEncodable {
    public func encodeGoJSON(to writer: inout GoJSONWriter) { writer.string(self) }
}

extension Bool: GoJSONEncodable {
    public func encodeGoJSON(to writer: inout GoJSONWriter) { writer.bool(self) }
}

extension Int: GoJSONEncodable {
    public func encodeGoJSON(to writer: inout GoJSONWriter) { writer.integer(Int64(self)) }
}

/// A nil pointer, slice or map is `null`.
extension Optional: GoJSONEncodable where Wrapped: GoJSONEncodable {
    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        switch self {
        case .none: writer.null()
        case .some(let value): try value.encodeGoJSON(to: &writer)
        }
    }
}

/// A Go slice: a JSON array (wrap in `Optional` for one that may be nil).
extension Array: GoJSONEncodable where Element: GoJSONEncodable {
    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.array { writer throws(GoJSONError) in
            for element in self {
                writer.nextElement()
                try element.encodeGoJSON(to: &writer)
            }
        }
    }
}
