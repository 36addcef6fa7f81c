import WABinary
import WACrypto

/// The device lists of users, by `usync` (whatsmeow's `GetUserDevices`): the client asks, the
/// server answers with each user's device ids.
public enum DeviceListQuery {
    /// `<iq xmlns=usync type=get><usync … context=message><query><devices version=2/></query><list><user jid/>…`
    ///
    /// With `lid`, the query also asks for each phone number's LID (`<lid/>`), in the mode and
    /// context of whatsmeow's `GetUserInfo` (`full`, `background`), the query whatsmeow sends
    /// before its first message to a phone number whose LID it does not know.
    public static func request(users: [JID], lid: Bool = false, sid: String = Hex.string(randomBytes(8))) -> Node {
        var protocols = [Node(tag: "devices", attributes: ["version": "2"])]
        if lid { protocols.append(Node(tag: "lid")) }
        return Node(
            tag: "iq", attributes: ["to": .jid(MessagingNodes.server), "type": "get", "xmlns": "usync"],
            content: .nodes([
                Node(
                    tag: "usync",
                    attributes: [
                        "sid": .string(sid), "mode": lid ? "full" : "query", "last": "true", "index": "0",
                        "context": lid ? "background" : "message",
                    ],
                    content: .nodes([
                        Node(tag: "query", content: .nodes(protocols)),
                        Node(tag: "list", content: .nodes(users.map { Node(tag: "user", attributes: ["jid": .jid($0.nonAD)]) })),
                    ]))
            ]))
    }

    /// The LID of every user an answer gives one for (`<user jid><lid val/>`), by user JID.
    /// A `<lid>` without a LID-server `val` (the server's "none") is left out.
    public static func lids(in answer: Node) throws(MessagingError) -> [JID: JID] {
        guard let list = answer.child(tagged: "usync")?.child(tagged: "list") else {
            throw .malformed("usync answer without <list>")
        }
        var lids: [JID: JID] = [:]
        for user in list.children(tagged: "user") {
            guard let jid = user["jid"]?.jid else { throw .malformed("usync <user> without jid") }
            guard let lid = user.child(tagged: "lid")?["val"]?.jid, lid.server == JID.lidServer else { continue }
            lids[jid.nonAD] = lid.nonAD
        }
        return lids
    }

    /// Every device JID in an answer, for every user it lists.
    public static func devices(in answer: Node) throws(MessagingError) -> [JID] {
        guard let list = answer.child(tagged: "usync")?.child(tagged: "list") else {
            throw .malformed("usync answer without <list>")
        }
        var devices: [JID] = []
        for user in list.children(tagged: "user") {
            guard let jid = user["jid"]?.jid else { throw .malformed("usync <user> without jid") }
            for device in user.child(tagged: "devices")?.child(tagged: "device-list")?.children(tagged: "device") ?? [] {
                guard let id = device["id"].flatMap({ UInt16($0.description) }) else {
                    throw .malformed("usync <device> without a numeric id")
                }
                devices.append(JID(user: jid.user, server: jid.server, device: id))
            }
        }
        return devices
    }

    /// The users a request asks about (server side); nil when `iq` is not a device-list query.
    public static func users(in iq: Node) -> [JID]? {
        guard iq["xmlns"]?.description == "usync", let usync = iq.child(tagged: "usync"),
            usync.child(tagged: "query")?.child(tagged: "devices") != nil
        else { return nil }
        return usync.child(tagged: "list")?.children(tagged: "user").compactMap { $0["jid"]?.jid } ?? []
    }

    /// Whether a request asks for LIDs too (server side).
    public static func asksForLID(_ iq: Node) -> Bool {
        iq.child(tagged: "usync")?.child(tagged: "query")?.child(tagged: "lid") != nil
    }

    /// The server's answer: `deviceIDs` of each user, an empty list for unknown users; when the
    /// request asks for LIDs, each user's `<lid val>` from `lid` (none for unknown users).
    public static func answer(to iq: Node, deviceIDs: (JID) -> [UInt16], lid: (JID) -> JID? = { _ in nil }) -> Node {
        let usync = iq.child(tagged: "usync")
        let withLID = asksForLID(iq)
        let users = (users(in: iq) ?? []).map { user in
            let devices = deviceIDs(user).map { id in
                Node(tag: "device", attributes: id == 0 ? ["id": "0"] : ["id": .string(String(id)), "key-index": .string(String(id))])
            }
            var children = [Node(tag: "devices", content: .nodes([Node(tag: "device-list", content: .nodes(devices))]))]
            if withLID { children.append(Node(tag: "lid", attributes: lid(user).map { ["val": .jid($0.nonAD)] } ?? [:])) }
            return Node(tag: "user", attributes: ["jid": .jid(user.nonAD)], content: .nodes(children))
        }
        let results = [Node(tag: "devices")] + (withLID ? [Node(tag: "lid")] : [])
        return Node(
            tag: "iq", attributes: MessagingNodes.resultAttributes(for: iq),
            content: .nodes([
                Node(
                    tag: "usync", attributes: usync?.attributes ?? [:],
                    content: .nodes([
                        Node(tag: "result", content: .nodes(results)),
                        Node(tag: "list", content: .nodes(users)),
                    ]))
            ]))
    }
}
