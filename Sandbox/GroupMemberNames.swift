import WABinary
import WAMessaging

/// How the server names a group's members in what it sends about the group: by phone number;
/// in a LID-addressed group by LID with the phone number beside it, as WhatsApp's `w:gp2`
/// notifications of such groups do (`addressing_mode=lid`, the author as `participant` with
/// `participant_pn`, the subject's setter as `s_o` with `s_o_pn`, each member of an
/// add/remove/promote/demote as `<participant jid=<lid> phone_number=<pn>/>`: whatsmeow's
/// `parseGroupChange` and `parseParticipantList`).
struct GroupMemberNames: Sendable {
    let isLIDAddressed: Bool
    /// LID users by phone number, for the members that have one; empty when addressed by phone number.
    let lids: [String: String]
    /// Phone numbers by LID user: the other way round.
    private let phones: [String: String]

    init(isLIDAddressed: Bool, lids: [String: String]) {
        self.isLIDAddressed = isLIDAddressed
        self.lids = isLIDAddressed ? lids : [:]
        phones = Dictionary(self.lids.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// `phone` as the group names it: its LID in a LID-addressed group, else its phone number.
    func jid(_ phone: String) -> JID {
        lids[phone].map { JID(user: $0, server: JID.lidServer) } ?? GroupRecord.userJID(phone)
    }

    /// What goes beside `phone`'s name: its phone number when the group names it by LID.
    func phoneNumber(_ phone: String) -> JID? {
        lids[phone] == nil ? nil : GroupRecord.userJID(phone)
    }

    /// `notification`'s stanza with what `GroupNotification` leaves out: in a LID-addressed
    /// group `addressing_mode=lid`, and the `phone_number` of every LID member it adds,
    /// removes, promotes or demotes.
    func node(of notification: GroupNotification) -> Node {
        var node = notification.node
        guard isLIDAddressed else { return node }
        node.attributes["addressing_mode"] = "lid"
        node.content = .nodes(
            node.children.map { change in
                guard GroupNotification.ParticipantChange.Action(rawValue: change.tag) != nil else { return change }
                var named = change
                named.content = .nodes(change.children.map(withPhoneNumber))
                return named
            })
        return node
    }

    /// A `<participant jid=<lid>>` with `phone_number`, when the LID is a member's.
    private func withPhoneNumber(_ participant: Node) -> Node {
        guard participant.tag == "participant", let jid = participant["jid"]?.jid, jid.server == JID.lidServer,
            let phone = phones[jid.user]
        else { return participant }
        var named = participant
        named.attributes["phone_number"] = .jid(GroupRecord.userJID(phone))
        return named
    }
}
