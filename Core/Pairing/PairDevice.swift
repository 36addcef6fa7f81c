import Foundation
import WABinary
import WACrypto

/// The server's request to show QR codes: `<iq type=set xmlns=md><pair-device><ref>…`.
public enum PairDevice {
    /// The refs of a server `<iq type=set xmlns=md><pair-device><ref>…` (nil for any other node).
    /// Like whatsmeow, children that are not `<ref>` or carry no bytes are skipped.
    public static func refs(in iq: Node) -> [String]? {
        guard iq.tag == "iq", iq.string("type") == "set", let pairDevice = iq.child(tagged: "pair-device") else {
            return nil
        }
        return pairDevice.children(tagged: "ref").compactMap { ref in
            ref.contentBytes.map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// The server side: that iq with the given refs (see `freshRef`).
    public static func request(id: String, refs: [String]) -> Node {
        Node(
            tag: "iq",
            attributes: ["from": Node.serverAddress, "id": .string(id), "type": "set", "xmlns": "md"],
            content: .nodes([
                Node(
                    tag: "pair-device",
                    content: .nodes(refs.map { Node(tag: "ref", content: .bytes(Array($0.utf8))) }))
            ]))
    }

    /// A fresh random ref in the server's form: "2@" and the base64 of 64 random bytes.
    public static func freshRef() -> String {
        "2@" + Data(randomBytes(64)).base64EncodedString()
    }
}
