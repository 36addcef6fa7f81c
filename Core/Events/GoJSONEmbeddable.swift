/// A Go struct embedded in another: `encoding/json` writes its fields into the outer object
/// (e.g. `MessageSource` inside `MessageInfo` and `Receipt`).
public protocol GoJSONEmbeddable {
    /// Writes the struct's fields as members of the object being written.
    func encodeGoJSONFields(to writer: inout GoJSONWriter) throws(GoJSONError)
}
