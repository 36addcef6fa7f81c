import WABinary

/// `<notification type=w:gp2 from=<group> id t [participant] [participant_pn] [notify]>`: a group
/// changed (whatsmeow's `parseGroupNotification`). Its children are the changes: members added,
/// removed (or leaving: removing themselves), promoted or demoted; the subject, description or a
/// setting; or, alone, `<create>` when this account joined or was added to a group.
public struct GroupNotification: Sendable, Equatable {
    /// What an `<invite code>` is the end of (whatsmeow's `InviteLinkPrefix`).
    public static let inviteLinkPrefix = "https://chat.whatsapp.com/"

    public var group: JID
    public var id: String
    /// The acting member's push name.
    public var notify: String
    /// Who made the change; absent for some (a join by invite link).
    public var sender: JID?
    /// The acting member's phone number when `sender` is a LID.
    public var senderPN: JID?
    /// Unix seconds.
    public var timestamp: Int64
    public var changes: [Change]

    public init(
        group: JID, id: String, notify: String = "", sender: JID? = nil, senderPN: JID? = nil, timestamp: Int64,
        changes: [Change]
    ) {
        self.group = group
        self.id = id
        self.notify = notify
        self.sender = sender
        self.senderPN = senderPN
        self.timestamp = timestamp
        self.changes = changes
    }

    /// Reads a notification; nil when `node` is not a group notification.
    /// - Throws: `MessagingError.malformed` when it lacks `from`, `id` or `t`, or a change lacks
    ///   what whatsmeow requires of it.
    public init?(_ node: Node) throws(MessagingError) {
        guard node.tag == "notification", node["type"]?.description == "w:gp2" else { return nil }
        guard let group = node["from"]?.jid, group.server == JID.groupServer else {
            throw .malformed("w:gp2 notification without a group in from")
        }
        guard let id = node["id"]?.description, let timestamp = node["t"].flatMap({ Int64($0.description) }) else {
            throw .malformed("w:gp2 notification without id or t")
        }
        var changes: [Change] = []
        if node.children.count == 1, let create = node.children.first, create.tag == "create" {
            changes = [try Change(creation: create, addressingMode: node["addressing_mode"]?.description ?? "")]
        } else {
            for child in node.children {
                changes.append(try Change(child))
            }
        }
        self.init(
            group: group, id: id, notify: node["notify"]?.description ?? "", sender: node["participant"]?.jid,
            senderPN: node["participant_pn"]?.jid, timestamp: timestamp, changes: changes)
    }

    /// The stanza the server sends each member's devices.
    public var node: Node {
        var attributes: Attributes = [
            "from": .jid(group), "id": .string(id), "t": .string(String(timestamp)), "type": "w:gp2",
        ]
        if let sender { attributes["participant"] = .jid(sender) }
        if let senderPN { attributes["participant_pn"] = .jid(senderPN) }
        if !notify.isEmpty { attributes["notify"] = .string(notify) }
        return Node(tag: "notification", attributes: attributes, content: .nodes(changes.map(\.node)))
    }

    /// The phone number ↔ LID pairs (user JIDs) the notification names: its members' (added,
    /// removed, promoted, demoted, or of the group it announces) with their other identities,
    /// as whatsmeow's `parseGroupNotification` returns them to be stored.
    public var lidPairs: [(phone: JID, lid: JID)] {
        changes.flatMap { change -> [(phone: JID, lid: JID)] in
            switch change {
            case .participants(let participants): GroupMetadata.lidPairs(of: participants.alternatives)
            case .created(let creation): creation.group.lidPairs
            default: []
            }
        }
    }

    /// The members this notification adds, removes, promotes or demotes with `action`.
    public func participants(_ action: ParticipantChange.Action) -> [JID] {
        changes.flatMap { change -> [JID] in
            guard case .participants(let participants) = change, participants.action == action else { return [] }
            return participants.participants
        }
    }

    /// The group this account joined, when the notification is a `<create>`.
    public var creation: Creation? {
        guard changes.count == 1, case .created(let creation) = changes[0] else { return nil }
        return creation
    }
}
