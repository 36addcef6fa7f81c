import WABinary

/// A group's metadata by `w:g2` (whatsmeow's `GetGroupInfo`): the client asks, the server
/// answers with the subject and the participants.
public enum GroupInfoQuery {
    /// `<iq to=<group> type=get xmlns=w:g2><query request=interactive/></iq>`.
    public static func request(group: JID) -> Node {
        Node(
            tag: "iq", attributes: ["to": .jid(group.nonAD), "type": "get", "xmlns": "w:g2"],
            content: .nodes([Node(tag: "query", attributes: ["request": "interactive"])]))
    }

    /// The group a request asks about (server side); nil when `iq` is not a group info query.
    public static func group(in iq: Node) -> JID? {
        guard iq["xmlns"]?.description == "w:g2", iq["type"]?.description == "get", iq.child(tagged: "query") != nil,
            let to = iq["to"]?.jid, to.server == JID.groupServer
        else { return nil }
        return to
    }

    /// The metadata in an answer's `<group>`.
    public static func metadata(in answer: Node) throws(MessagingError) -> GroupMetadata {
        guard let group = answer.child(tagged: "group"), let id = group["id"]?.description, !id.isEmpty else {
            throw .malformed("w:g2 answer without <group id>")
        }
        var participants: [JID] = []
        var admins: Set<JID> = []
        for participant in group.children(tagged: "participant") {
            guard let jid = participant["jid"]?.jid else { throw .malformed("group <participant> without jid") }
            participants.append(jid.nonAD)
            if ["admin", "superadmin"].contains(participant["type"]?.description) { admins.insert(jid.nonAD) }
        }
        let jid = (try? JID(parsing: id)).flatMap { $0.server == JID.groupServer ? $0 : nil }
            ?? JID(user: id, server: JID.groupServer)
        return GroupMetadata(
            jid: jid, subject: group["subject"]?.description ?? "", creator: group["creator"]?.jid,
            participants: participants, admins: admins)
    }

    /// The server's answer: `<iq type=result from=<group>><group id creator creation subject s_t>
    /// <participant jid [type]/>…`.
    /// - Parameter created: unix seconds of the group's creation (and its subject's).
    public static func answer(to iq: Node, metadata: GroupMetadata, created: Int64) -> Node {
        var attributes: Attributes = ["from": .jid(metadata.jid), "type": "result"]
        if let id = iq["id"] { attributes["id"] = id }
        var groupAttributes: Attributes = [
            "id": .string(metadata.jid.user), "subject": .string(metadata.subject),
            "creation": .string(String(created)), "s_t": .string(String(created)),
        ]
        if let creator = metadata.creator {
            groupAttributes["creator"] = .jid(creator)
            groupAttributes["s_o"] = .jid(creator)
        }
        let participants = metadata.participants.map { participant in
            var attributes: Attributes = ["jid": .jid(participant)]
            if metadata.admins.contains(participant) {
                attributes["type"] = participant == metadata.creator ? "superadmin" : "admin"
            }
            return Node(tag: "participant", attributes: attributes)
        }
        return Node(
            tag: "iq", attributes: attributes,
            content: .nodes([Node(tag: "group", attributes: groupAttributes, content: .nodes(participants))]))
    }
}
