/// One element of WhatsApp's binary XML: a tag, attributes and optional content.
public struct Node: Sendable, Hashable {
    /// What a node holds after its attributes.
    public enum Content: Sendable, Hashable {
        /// No content (`<tag/>`).
        case none
        /// Child nodes.
        case nodes([Node])
        /// Raw bytes (BINARY_8/20/32 on the wire).
        case bytes([UInt8])
        /// A string sent as a token or packed string; on the wire a string that is neither
        /// goes out as raw bytes and decodes as `.bytes`.
        case string(String)
        /// A JID (rare; indirect so that it does not widen every node).
        indirect case jid(JID)
    }

    public var tag: String
    public var attributes: Attributes
    public var content: Content

    public init(tag: String, attributes: Attributes = [:], content: Content = .none) {
        self.tag = tag
        self.attributes = attributes
        self.content = content
    }

    /// The child nodes, or an empty array when the content is not a node list.
    public var children: [Node] {
        if case .nodes(let nodes) = content { return nodes }
        return []
    }

    /// The children with the given tag.
    public func children(tagged tag: String) -> [Node] {
        children.filter { $0.tag == tag }
    }

    /// The first child with the given tag.
    public func child(tagged tag: String) -> Node? {
        children.first { $0.tag == tag }
    }

    /// The value of attribute `key`.
    public subscript(key: String) -> AttributeValue? {
        get { attributes[key] }
        set { attributes[key] = newValue }
    }
}

/// An attribute value: a string, or a JID (which the wire encodes in its own forms).
public enum AttributeValue: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    case string(String)
    case jid(JID)

    public init(stringLiteral value: String) { self = .string(value) }

    /// The string, or the JID's string form.
    public var description: String {
        switch self {
        case .string(let string): string
        case .jid(let jid): jid.description
        }
    }

    /// The JID, when the value is one.
    public var jid: JID? {
        if case .jid(let jid) = self { return jid }
        return nil
    }
}

/// A node's attributes, in wire order.
///
/// An array rather than a dictionary because decoding is the hot path and nodes have few
/// attributes. Equality ignores order, as whatsmeow's attribute order is random.
public struct Attributes: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    /// One key/value pair.
    public struct Element: Sendable, Hashable {
        public var key: String
        public var value: AttributeValue

        public init(key: String, value: AttributeValue) {
            self.key = key
            self.value = value
        }
    }

    /// Internal so that the encoder can walk it without copying elements.
    private(set) var elements: [Element]

    public init() { elements = [] }

    public init(_ elements: [Element]) { self.elements = elements }

    public init(dictionaryLiteral pairs: (String, AttributeValue)...) {
        elements = pairs.map { Element(key: $0.0, value: $0.1) }
    }

    /// Makes room for `capacity` attributes (the decoder's path).
    mutating func reserveCapacity(_ capacity: Int) {
        elements.reserveCapacity(capacity)
    }

    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> Element { elements[position] }

    /// The value for `key`; setting nil removes it, setting a value replaces it in place or
    /// appends it.
    public subscript(key: String) -> AttributeValue? {
        get { elements.first { $0.key == key }?.value }
        set {
            let index = elements.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): elements[index].value = value
            case (let index?, nil): elements.remove(at: index)
            case (nil, let value?): elements.append(Element(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Appends without checking for an existing key (the decoder's path).
    mutating func append(key: String, value: AttributeValue) {
        elements.append(Element(key: key, value: value))
    }

    /// The attributes sorted by key, the order whatsmeow's canonical vectors use.
    public func sortedByKey() -> Attributes {
        Attributes(elements.sorted { $0.key < $1.key })
    }

    public static func == (lhs: Attributes, rhs: Attributes) -> Bool {
        if lhs.elements == rhs.elements { return true }
        guard lhs.count == rhs.count else { return false }
        let byKeyThenValue: (Element, Element) -> Bool = {
            ($0.key, $0.value.description) < ($1.key, $1.value.description)
        }
        return lhs.elements.sorted(by: byKeyThenValue) == rhs.elements.sorted(by: byKeyThenValue)
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        hasher.combine(count)
        var combined = 0
        for element in elements { combined ^= element.hashValue }
        hasher.combine(combined)
    }
}
