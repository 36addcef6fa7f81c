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
        var matches: [Node] = []
        withChildren { children in
            for i in children.indices where children[i].tag.cheaplyEquals(tag) { matches.append(children[i]) }
        }
        return matches
    }

    /// The first child with the given tag.
    public func child(tagged tag: String) -> Node? {
        withChildren { children in
            for i in children.indices where children[i].tag.cheaplyEquals(tag) { return children[i] }
            return nil
        }
    }

    /// Runs `body` on the child nodes in place, so that a search copies only what it returns
    /// (iterating the array would copy every node it passes).
    private func withChildren<Result>(_ body: (UnsafeBufferPointer<Node>) -> Result) -> Result {
        guard case .nodes(let nodes) = content else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return nodes.withUnsafeBufferPointer(body)
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
/// A list rather than a dictionary because decoding is the hot path and nodes have few
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

    /// Most nodes carry one attribute, which is kept inline so that decoding one costs no
    /// array allocation; no attributes or several live in an array. A single attribute is
    /// always `.one`, so that each list has one representation.
    private enum Storage: Sendable {
        case one(Element)
        case many([Element])
    }

    private var storage: Storage

    public init() { storage = .many([]) }

    public init(_ elements: [Element]) {
        storage = elements.count == 1 ? .one(elements[0]) : .many(elements)
    }

    public init(dictionaryLiteral pairs: (String, AttributeValue)...) {
        // One pair goes inline without the array that `map` would allocate and drop.
        if pairs.count == 1 {
            storage = .one(Element(key: pairs[0].0, value: pairs[0].1))
            return
        }
        storage = .many(pairs.map { Element(key: $0.0, value: $0.1) })
    }

    /// A single attribute (the decoder's path).
    init(key: String, value: AttributeValue) {
        storage = .one(Element(key: key, value: value))
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int {
        switch storage {
        case .one: 1
        case .many(let elements): elements.count
        }
    }

    public subscript(position: Int) -> Element {
        switch storage {
        case .one(let element):
            precondition(position == 0, "Attributes index out of range")
            return element
        case .many(let elements): return elements[position]
        }
    }

    /// Runs `body` on the elements in place (the encoder's path).
    @inline(__always)
    func withElements<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        switch storage {
        case .one(let element):
            try withUnsafePointer(to: element) { element throws(Failure) in
                try body(UnsafeBufferPointer(start: element, count: 1))
            }
        case .many(let elements): try elements.withUnsafeBufferPointer(body)
        }
    }

    /// Mutates the elements as an array, moving a `.many` array out first so that it stays
    /// uniquely referenced and is changed in place.
    private mutating func updateElements(_ body: (inout [Element]) -> Void) {
        var elements: [Element]
        switch storage {
        case .one(let element):
            // Room for the one more that a setter may append, so that it does not reallocate.
            elements = []
            elements.reserveCapacity(2)
            elements.append(element)
        case .many(let array): elements = array
        }
        storage = .many([])
        body(&elements)
        self = Attributes(elements)
    }

    /// The value for `key`; setting nil removes it, setting a value replaces it in place or
    /// appends it.
    public subscript(key: String) -> AttributeValue? {
        // Compares the keys in place: going through the collection would copy every element
        // it passes (a key and a value, each retained and released).
        get {
            switch storage {
            case .one(let element): element.key.cheaplyEquals(key) ? element.value : nil
            case .many(let elements):
                elements.withUnsafeBufferPointer { elements in
                    for i in elements.indices where elements[i].key.cheaplyEquals(key) { return elements[i].value }
                    return nil
                }
            }
        }
        set {
            if case .one(let element) = storage, element.key.cheaplyEquals(key), let newValue {
                storage = .one(Element(key: key, value: newValue))
                return
            }
            updateElements { elements in
                let index = elements.firstIndex { $0.key.cheaplyEquals(key) }
                switch (index, newValue) {
                case (let index?, let value?): elements[index].value = value
                case (let index?, nil): elements.remove(at: index)
                case (nil, let value?): elements.append(Element(key: key, value: value))
                case (nil, nil): break
                }
            }
        }
    }

    /// Appends without checking for an existing key (the decoder's path).
    mutating func append(key: String, value: AttributeValue) {
        if case .many(let elements) = storage, elements.isEmpty {
            storage = .one(Element(key: key, value: value))
            return
        }
        updateElements { $0.append(Element(key: key, value: value)) }
    }

    /// The attributes sorted by key, the order whatsmeow's canonical vectors use.
    public func sortedByKey() -> Attributes {
        Attributes(sorted { $0.key < $1.key })
    }

    public static func == (lhs: Attributes, rhs: Attributes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.elementsEqual(rhs) { return true }
        let byKeyThenValue: (Element, Element) -> Bool = {
            ($0.key, $0.value.description) < ($1.key, $1.value.description)
        }
        return lhs.sorted(by: byKeyThenValue) == rhs.sorted(by: byKeyThenValue)
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==.
        hasher.combine(count)
        var combined = 0
        for element in self { combined ^= element.hashValue }
        hasher.combine(combined)
    }
}
