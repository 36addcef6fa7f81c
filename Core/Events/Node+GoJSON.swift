import WABinary

/// A `*waBinary.Node` as whatsmeow's decoder leaves it and `encoding/json` writes it:
/// `{"Tag":…,"Attrs":…,"Content":…}`. Attributes are a map (keys in byte order, JIDs as
/// strings) or `null` when there are none; content is `null`, an array of nodes (`null` when
/// empty, as the decoder reads an empty list as nil), base64 bytes, or a string.
extension Node: GoJSONEncodable {
    public func encodeGoJSON(to writer: inout GoJSONWriter) {
        writer.object { writer in
            writer.field("Tag")
            writer.string(tag)
            writer.field("Attrs")
            if attributes.isEmpty {
                writer.null()
            } else {
                writer.object { writer in
                    for attribute in attributes.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
                        writer.field(attribute.key)
                        writer.string(attribute.value.description)
                    }
                }
            }
            writer.field("Content")
            switch content {
            case .none: writer.null()
            case .nodes(let children) where children.isEmpty: writer.null()
            case .nodes(let children):
                writer.array { writer in
                    for child in children {
                        writer.nextElement()
                        child.encodeGoJSON(to: &writer)
                    }
                }
            case .bytes(let bytes): writer.base64(bytes)
            case .string(let string): writer.string(string)
            case .jid(let jid): writer.string(jid.description)
            }
        }
    }
}
