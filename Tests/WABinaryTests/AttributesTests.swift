import Testing
import WABinary

/// `Attributes` by key and `Node`'s child searches, whose hot paths search in place.
@Suite struct AttributesTests {
    @Test func literalsKeepTheirOrder() {
        let none: Attributes = [:]
        let one: Attributes = ["id": "1"]
        let three: Attributes = ["to": "a", "id": "b", "type": .jid(JID(user: "1", server: "lid"))]
        #expect(none.isEmpty)
        #expect(one.map(\.key) == ["id"])
        #expect(three.map(\.key) == ["to", "id", "type"])
        #expect(three.map(\.value) == ["a", "b", .jid(JID(user: "1", server: "lid"))])
    }

    @Test func readsByKey() {
        let one: Attributes = ["id": "1"]
        let three: Attributes = ["to": "a", "id": "b", "participant": .jid(JID(user: "1", server: "lid"))]
        #expect(one["id"] == "1")
        #expect(one["to"] == nil)  // same length, other key
        #expect(one["i"] == nil)
        #expect(three["to"] == "a")
        #expect(three["id"] == "b")
        #expect(three["participant"]?.jid == JID(user: "1", server: "lid"))
        #expect(three["t"] == nil)
        #expect(three["type"] == nil)
        #expect(Attributes()["id"] == nil)
        let longKey = String(repeating: "k", count: 40)
        #expect(Attributes([.init(key: longKey, value: "v"), .init(key: "x", value: "y")])[longKey] == "v")
    }

    @Test func setsReplacesAndRemovesByKey() {
        var attributes: Attributes = ["id": "1"]
        attributes["id"] = "2"
        #expect(attributes.map(\.value) == ["2"])
        attributes["to"] = "a"
        attributes["type"] = "b"
        #expect(attributes.map(\.key) == ["id", "to", "type"])
        attributes["to"] = "c"
        #expect(attributes.map(\.value) == ["2", "c", "b"])
        attributes["id"] = nil
        attributes["absent"] = nil
        #expect(attributes.map(\.key) == ["to", "type"])
        attributes["to"] = nil
        #expect(attributes == ["type": "b"])
        attributes["type"] = nil
        #expect(attributes.isEmpty)
    }

    @Test func findsChildrenByTag() {
        let node = Node(
            tag: "iq",
            content: .nodes([
                Node(tag: "user", attributes: ["jid": "1"]), Node(tag: "lid"), Node(tag: "user", attributes: ["jid": "2"]),
            ]))
        #expect(node.child(tagged: "user")?.attributes["jid"] == "1")
        #expect(node.child(tagged: "lid") == Node(tag: "lid"))
        #expect(node.child(tagged: "usr") == nil)
        #expect(node.children(tagged: "user").map { $0["jid"] } == ["1", "2"])
        #expect(node.children(tagged: "none").isEmpty)
        #expect(Node(tag: "x", content: .string("user")).child(tagged: "user") == nil)
        #expect(Node(tag: "x").children(tagged: "user").isEmpty)
    }
}
