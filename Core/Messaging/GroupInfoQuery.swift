import WABinary

/// A group's metadata by `w:g2` (whatsmeow's `GetGroupInfo`): the client asks, the server
/// answers with a `<group>` node, the same node a `<create>` group notification carries.
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
        guard let group = answer.child(tagged: "group") else { throw .malformed("w:g2 answer without <group>") }
        return try metadata(ofGroup: group)
    }

    /// Reads a `<group id creator [creator_pn] creation subject s_t s_o p_v_id [addressing_mode]><participant
    /// jid [type] [phone_number|lid]/>…`
    /// (whatsmeow's `parseGroupNode`, the parts the gateway uses).
    public static func metadata(ofGroup group: Node) throws(MessagingError) -> GroupMetadata {
        guard let id = group["id"]?.description, !id.isEmpty else { throw .malformed("<group> without id") }
        var metadata = GroupMetadata(
            jid: (try? JID(parsing: id)).flatMap { $0.server == JID.groupServer ? $0 : nil }
                ?? JID(user: id, server: JID.groupServer),
            subject: group["subject"]?.description ?? "", creator: group["creator"]?.jid,
            creatorPN: group["creator_pn"]?.jid, participants: [],
            created: group["creation"].flatMap { Int64($0.description) } ?? 0,
            subjectSetAt: group["s_t"].flatMap { Int64($0.description) } ?? 0, subjectSetBy: group["s_o"]?.jid,
            participantVersionID: group["p_v_id"]?.description ?? "",
            addressingMode: group["addressing_mode"]?.description ?? "")
        for child in group.children {
            switch child.tag {
            case "participant":
                guard let jid = child["jid"]?.jid else { throw .malformed("group <participant> without jid") }
                metadata.participants.append(jid.nonAD)
                if let alternative = Self.alternative(in: child, of: jid) {
                    metadata.participantAlternatives[jid.nonAD] = alternative
                }
                let type = child["type"]?.description
                if type == "admin" || type == "superadmin" { metadata.admins.insert(jid.nonAD) }
                if type == "superadmin" { metadata.superAdmins.insert(jid.nonAD) }
            case "locked": metadata.isLocked = true
            case "announcement": metadata.isAnnounce = true
            default: break
            }
        }
        return metadata
    }

    /// The server's answer: `<iq type=result from=<group>>` holding `groupNode(of: metadata)`.
    public static func answer(to iq: Node, metadata: GroupMetadata) -> Node {
        var attributes: Attributes = ["from": .jid(metadata.jid), "type": "result"]
        if let id = iq["id"] { attributes["id"] = id }
        return Node(tag: "iq", attributes: attributes, content: .nodes([groupNode(of: metadata)]))
    }

    /// `<group id creator [creator_pn] creation subject s_t [s_o] [p_v_id] [addressing_mode]><participant jid [type]
    /// [phone_number|lid]/>…[<locked/>][<announcement/>]`.
    public static func groupNode(of metadata: GroupMetadata) -> Node {
        var attributes: Attributes = [
            "id": .string(metadata.jid.user), "subject": .string(metadata.subject),
            "creation": .string(String(metadata.created)), "s_t": .string(String(metadata.subjectSetAt)),
        ]
        if let creator = metadata.creator { attributes["creator"] = .jid(creator) }
        if let creatorPN = metadata.creatorPN { attributes["creator_pn"] = .jid(creatorPN) }
        if let setBy = metadata.subjectSetBy { attributes["s_o"] = .jid(setBy) }
        if !metadata.participantVersionID.isEmpty { attributes["p_v_id"] = .string(metadata.participantVersionID) }
        if !metadata.addressingMode.isEmpty { attributes["addressing_mode"] = .string(metadata.addressingMode) }
        var children = metadata.participants.map { participant in
            var attributes: Attributes = ["jid": .jid(participant)]
            if let alternative = metadata.participantAlternatives[participant] {
                attributes[alternativeAttribute(of: participant)] = .jid(alternative)
            }
            if metadata.superAdmins.contains(participant) {
                attributes["type"] = "superadmin"
            } else if metadata.admins.contains(participant) {
                attributes["type"] = "admin"
            }
            return Node(tag: "participant", attributes: attributes)
        }
        if metadata.isLocked { children.append(Node(tag: "locked")) }
        if metadata.isAnnounce { children.append(Node(tag: "announcement")) }
        return Node(tag: "group", attributes: attributes, content: .nodes(children))
    }

    /// The `<participant>` attribute naming the other identity of `participant`: `phone_number`
    /// for a LID, `lid` for a phone number (whatsmeow's `parseParticipant`, `parseParticipantList`).
    static func alternativeAttribute(of participant: JID) -> String {
        participant.server == JID.lidServer ? "phone_number" : "lid"
    }

    /// The other identity `<participant>` node `node` names for member `participant` (user JID):
    /// a phone number beside a LID, a LID beside a phone number; nil when it names none.
    static func alternative(in node: Node, of participant: JID) -> JID? {
        guard let alternative = node[alternativeAttribute(of: participant)]?.jid else { return nil }
        let expected = participant.server == JID.lidServer ? JID.userServer : JID.lidServer
        return alternative.server == expected ? alternative.nonAD : nil
    }
}
