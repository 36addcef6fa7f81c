import WABinary

extension GroupNotification {
    /// A group linked to or unlinked from another (a community and its subgroups): the
    /// `<link>`/`<unlink>` of a notification and the other group's `<group>` (whatsmeow's
    /// `GroupLinkChange` and `parseGroupLinkTargetNode`).
    public struct LinkChange: Sendable, Equatable {
        /// `parent_group`, `sub_group` or `sibling_group`.
        public var type: String
        /// For an unlink: `unlink_group` or `delete_parent`; else empty.
        public var unlinkReason: String
        /// The other group.
        public var group: JID
        /// Its subject and when it was set (Unix seconds, 0 when not given).
        public var subject: String
        public var subjectSetAt: Int64
        /// Whether the other group is the community's default subgroup (`<default_sub_group/>`).
        public var isDefaultSubGroup: Bool

        public init(
            type: String, unlinkReason: String = "", group: JID, subject: String = "", subjectSetAt: Int64 = 0,
            isDefaultSubGroup: Bool = false
        ) {
            self.type = type
            self.unlinkReason = unlinkReason
            self.group = group
            self.subject = subject
            self.subjectSetAt = subjectSetAt
            self.isDefaultSubGroup = isDefaultSubGroup
        }

        /// Reads `<link link_type>` or `<unlink unlink_type unlink_reason>` around
        /// `<group jid|id [subject] [s_t]>[<default_sub_group/>]</group>`.
        /// - Throws: `MessagingError.malformed` without the type, the `<group>` or its JID, or
        ///   with an `s_t` that is no number.
        init(_ node: Node, typeAttribute: String) throws(MessagingError) {
            guard let type = node[typeAttribute]?.description else {
                throw .malformed("group <\(node.tag)> without \(typeAttribute)")
            }
            guard let target = node.child(tagged: "group") else { throw .malformed("group <\(node.tag)> without <group>") }
            let group: JID
            if let jid = target["jid"]?.jid {
                group = jid
            } else if let id = target["id"]?.description, !id.isEmpty {
                group = JID(user: id, server: JID.groupServer)
            } else {
                throw .malformed("the <group> of a group <\(node.tag)> has neither jid nor id")
            }
            var subjectSetAt: Int64 = 0
            if let setAt = target["s_t"]?.description {
                guard let seconds = Int64(setAt) else { throw .malformed("the <group> of a group <\(node.tag)> has a bad s_t") }
                subjectSetAt = seconds
            }
            self.init(
                type: type, unlinkReason: node["unlink_reason"]?.description ?? "", group: group,
                subject: target["subject"]?.description ?? "", subjectSetAt: subjectSetAt,
                isDefaultSubGroup: target.child(tagged: "default_sub_group") != nil)
        }

        /// The change as the server writes it, under `tag` with its type in `typeAttribute`.
        func node(tag: String, typeAttribute: String) -> Node {
            var attributes: Attributes = [typeAttribute: .string(type)]
            if !unlinkReason.isEmpty { attributes["unlink_reason"] = .string(unlinkReason) }
            var groupAttributes: Attributes = ["jid": .jid(group)]
            if !subject.isEmpty { groupAttributes["subject"] = .string(subject) }
            if subjectSetAt != 0 { groupAttributes["s_t"] = .string(String(subjectSetAt)) }
            let target = Node(
                tag: "group", attributes: groupAttributes,
                content: .nodes(isDefaultSubGroup ? [Node(tag: "default_sub_group")] : []))
            return Node(tag: tag, attributes: attributes, content: .nodes([target]))
        }
    }
}
