import WABinary

extension GroupNotification {
    /// One child of a group notification (whatsmeow's `parseGroupChange`, the changes the
    /// gateway reports); anything else is kept as it came.
    public enum Change: Sendable, Equatable {
        /// `<add|remove|promote|demote>` of `<participant jid [phone_number|lid]/>`s.
        case participants(ParticipantChange)
        /// `<subject subject s_t [s_o] [s_o_pn]/>`.
        case subject(name: String, setAt: Int64, setBy: JID?, setByPN: JID?)
        /// `<description id><body>…</body>|<delete/></description>`; set by the notification's sender.
        case description(topic: String, id: String, deleted: Bool)
        /// `<locked/>` or `<unlocked/>`.
        case locked(Bool)
        /// `<announcement v_id/>` or `<not_announcement v_id/>`.
        case announce(Bool, versionID: String)
        /// `<ephemeral expiration/>` (a timer in seconds) or `<not_ephemeral/>` (nil).
        case ephemeral(timer: UInt32?)
        /// `<membership_approval_mode><group_join state=on|off/></membership_approval_mode>`:
        /// whether joining needs an admin's approval (on without `<group_join>`, as whatsmeow reads it).
        case membershipApproval(required: Bool)
        /// `<delete reason/>`: the group is gone.
        case deleted(reason: String)
        /// `<invite code/>`: a new invite link (the old one was revoked).
        case inviteLink(code: String)
        /// `<link link_type><group…/></link>`: the group was linked to a community or subgroup.
        case linked(LinkChange)
        /// `<unlink unlink_type unlink_reason><group…/></unlink>`: such a link was undone.
        case unlinked(LinkChange)
        /// `<suspended/>` or `<unsuspended/>`.
        case suspended(Bool)
        /// `<create [reason] [type] [key]><group…/></create>`: this account is in a new group.
        case created(Creation)
        /// A change the gateway does not read (whatsmeow's `UnknownChanges`).
        case unknown(Node)
    }

    /// Members added, removed, promoted or demoted, and the participant list's versions.
    public struct ParticipantChange: Sendable, Equatable {
        public enum Action: String, Sendable {
            case add, remove, promote, demote
        }

        public var action: Action
        /// Member JIDs as the group addresses them (phone numbers or LIDs).
        public var participants: [JID]
        /// Each member's other identity where the notification names it: the `phone_number` of
        /// a LID, the `lid` of a phone number (whatsmeow's `parseParticipantList`).
        public var alternatives: [JID: JID]
        /// Why they were added: `invite` for an invite link; else empty.
        public var reason: String
        public var previousVersionID: String
        public var versionID: String

        public init(
            action: Action, participants: [JID], alternatives: [JID: JID] = [:], reason: String = "",
            previousVersionID: String = "", versionID: String = ""
        ) {
            self.action = action
            self.participants = participants
            self.alternatives = alternatives
            self.reason = reason
            self.previousVersionID = previousVersionID
            self.versionID = versionID
        }
    }

    /// The group a `<create>` announces (whatsmeow's `JoinedGroup`).
    public struct Creation: Sendable, Equatable {
        /// `invite` when joined by an invite link.
        public var reason: String
        /// `new` for a newly created group.
        public var type: String
        /// The creator's request id.
        public var key: String
        public var group: GroupMetadata

        public init(reason: String = "", type: String = "", key: String = "", group: GroupMetadata) {
            self.reason = reason
            self.type = type
            self.key = key
            self.group = group
        }
    }
}

extension GroupNotification.Change {
    /// Reads one change of a notification.
    init(_ child: Node) throws(MessagingError) {
        func required(_ name: String) throws(MessagingError) -> String {
            guard let value = child[name]?.description else { throw .malformed("group <\(child.tag)> without \(name)") }
            return value
        }
        if let action = GroupNotification.ParticipantChange.Action(rawValue: child.tag) {
            var change = GroupNotification.ParticipantChange(
                action: action, participants: [], reason: action == .add ? child["reason"]?.description ?? "" : "",
                previousVersionID: child["prev_v_id"]?.description ?? "", versionID: child["v_id"]?.description ?? "")
            for participant in child.children where participant.tag == "participant" {
                guard let jid = participant["jid"]?.jid else { continue }
                change.participants.append(jid)
                change.alternatives[jid] = GroupInfoQuery.alternative(in: participant, of: jid)
            }
            self = .participants(change)
            return
        }
        switch child.tag {
        case "subject":
            guard let setAt = Int64(try required("s_t")) else { throw .malformed("group <subject> with a bad s_t") }
            self = .subject(name: try required("subject"), setAt: setAt, setBy: child["s_o"]?.jid, setByPN: child["s_o_pn"]?.jid)
        case "description":
            let deleted = child.child(tagged: "delete") != nil
            var topic = ""
            if !deleted {
                switch child.child(tagged: "body")?.content {
                case .bytes(let body)?: topic = String(decoding: body, as: UTF8.self)
                case .string(let body)?: topic = body
                default: throw .malformed("group <description> without a <body>")
                }
            }
            self = .description(topic: topic, id: try required("id"), deleted: deleted)
        case "locked", "unlocked":
            self = .locked(child.tag == "locked")
        case "announcement", "not_announcement":
            self = .announce(child.tag == "announcement", versionID: try required("v_id"))
        case "ephemeral":
            guard let timer = UInt32(try required("expiration")) else { throw .malformed("group <ephemeral> with a bad expiration") }
            self = .ephemeral(timer: timer)
        case "not_ephemeral":
            self = .ephemeral(timer: nil)
        case "membership_approval_mode":
            self = .membershipApproval(required: child.child(tagged: "group_join")?["state"]?.description != "off")
        case "delete":
            self = .deleted(reason: try required("reason"))
        case "invite":
            self = .inviteLink(code: try required("code"))
        case "link":
            self = .linked(try GroupNotification.LinkChange(child, typeAttribute: "link_type"))
        case "unlink":
            self = .unlinked(try GroupNotification.LinkChange(child, typeAttribute: "unlink_type"))
        case "suspended", "unsuspended":
            self = .suspended(child.tag == "suspended")
        default:
            self = .unknown(child)
        }
    }

    /// Reads a `<create>` and its `<group>`; a group without `addressing_mode` has the
    /// notification's (`addressingMode`), as whatsmeow's `parseGroupCreate` reads it.
    init(creation child: Node, addressingMode: String) throws(MessagingError) {
        guard let group = child.child(tagged: "group") else { throw .malformed("group <create> without <group>") }
        var metadata = try GroupInfoQuery.metadata(ofGroup: group)
        if metadata.addressingMode.isEmpty { metadata.addressingMode = addressingMode }
        self = .created(
            GroupNotification.Creation(
                reason: child["reason"]?.description ?? "", type: child["type"]?.description ?? "",
                key: child["key"]?.description ?? "", group: metadata))
    }

    /// The change as the server writes it.
    public var node: Node {
        switch self {
        case .participants(let change):
            var attributes: Attributes = [:]
            if !change.reason.isEmpty { attributes["reason"] = .string(change.reason) }
            if !change.previousVersionID.isEmpty { attributes["prev_v_id"] = .string(change.previousVersionID) }
            if !change.versionID.isEmpty { attributes["v_id"] = .string(change.versionID) }
            return Node(
                tag: change.action.rawValue, attributes: attributes,
                content: .nodes(
                    change.participants.map { participant in
                        var attributes: Attributes = ["jid": .jid(participant)]
                        if let alternative = change.alternatives[participant] {
                            attributes[GroupInfoQuery.alternativeAttribute(of: participant)] = .jid(alternative)
                        }
                        return Node(tag: "participant", attributes: attributes)
                    }))
        case .subject(let name, let setAt, let setBy, let setByPN):
            var attributes: Attributes = ["subject": .string(name), "s_t": .string(String(setAt))]
            if let setBy { attributes["s_o"] = .jid(setBy) }
            if let setByPN { attributes["s_o_pn"] = .jid(setByPN) }
            return Node(tag: "subject", attributes: attributes)
        case .description(let topic, let id, let deleted):
            let body = deleted ? Node(tag: "delete") : Node(tag: "body", content: .bytes(Array(topic.utf8)))
            return Node(tag: "description", attributes: ["id": .string(id)], content: .nodes([body]))
        case .locked(let locked):
            return Node(tag: locked ? "locked" : "unlocked")
        case .announce(let announce, let versionID):
            return Node(tag: announce ? "announcement" : "not_announcement", attributes: ["v_id": .string(versionID)])
        case .ephemeral(let timer):
            guard let timer else { return Node(tag: "not_ephemeral") }
            return Node(tag: "ephemeral", attributes: ["expiration": .string(String(timer))])
        case .membershipApproval(let required):
            return Node(
                tag: "membership_approval_mode",
                content: .nodes([Node(tag: "group_join", attributes: ["state": .string(required ? "on" : "off")])]))
        case .deleted(let reason):
            return Node(tag: "delete", attributes: ["reason": .string(reason)])
        case .inviteLink(let code):
            return Node(tag: "invite", attributes: ["code": .string(code)])
        case .linked(let link):
            return link.node(tag: "link", typeAttribute: "link_type")
        case .unlinked(let link):
            return link.node(tag: "unlink", typeAttribute: "unlink_type")
        case .suspended(let suspended):
            return Node(tag: suspended ? "suspended" : "unsuspended")
        case .created(let creation):
            var attributes: Attributes = [:]
            if !creation.reason.isEmpty { attributes["reason"] = .string(creation.reason) }
            if !creation.type.isEmpty { attributes["type"] = .string(creation.type) }
            if !creation.key.isEmpty { attributes["key"] = .string(creation.key) }
            return Node(tag: "create", attributes: attributes, content: .nodes([GroupInfoQuery.groupNode(of: creation.group)]))
        case .unknown(let node):
            return node
        }
    }
}
