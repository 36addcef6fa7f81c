import WABinary
import WAMessaging

/// How the server names a group's members in what it sends about the group: by phone number
/// with the LID beside it; in a LID-addressed group by LID with the phone number beside it, as
/// WhatsApp's `w:gp2` notifications of such groups do (`addressing_mode=lid`, the author as
/// `participant` with `participant_pn`, the subject's setter as `s_o` with `s_o_pn`, each member
/// of an add/remove/promote/demote as `<participant jid=<lid> phone_number=<pn>/>`: whatsmeow's
/// `parseGroupChange` and `parseParticipantList`).
struct GroupMemberNames: Sendable {
    let isLIDAddressed: Bool
    /// LID users by phone number, for the members that have one.
    let lids: [String: String]

    /// `phone` as the group names it: its LID in a LID-addressed group, else its phone number.
    func jid(_ phone: String) -> JID {
        guard isLIDAddressed, let lid = lids[phone] else { return GroupRecord.userJID(phone) }
        return JID(user: lid, server: JID.lidServer)
    }

    /// What goes beside an author's name: its phone number when the group names it by LID.
    func phoneNumber(_ phone: String) -> JID? {
        isLIDAddressed && lids[phone] != nil ? GroupRecord.userJID(phone) : nil
    }

    /// The other JID beside each of `phones`' names in a member change: the phone number
    /// beside a LID, the LID beside a phone number.
    func alternatives(of phones: [String]) -> [JID: JID] {
        Dictionary(
            phones.compactMap { phone in
                lids[phone].map { lid in
                    let (lid, number) = (JID(user: lid, server: JID.lidServer), GroupRecord.userJID(phone))
                    return isLIDAddressed ? (lid, number) : (number, lid)
                }
            }, uniquingKeysWith: { first, _ in first })
    }

    /// `notification`'s stanza, with `addressing_mode=lid` in a LID-addressed group.
    func node(of notification: GroupNotification) -> Node {
        var node = notification.node
        if isLIDAddressed { node.attributes["addressing_mode"] = "lid" }
        return node
    }
}
