import WABinary
import WAMessaging

/// LID-addressed groups (`addressing_mode=lid`), as WhatsApp's server keeps them: members are
/// named by LID (with `phone_number`) in the `w:g2` answer, write from their LID devices, and
/// messages reach them as `participant=<lid device>` with `participant_pn` and
/// `addressing_mode=lid`; so their sender keys and sessions live under LID addresses.
extension MessageRouter {
    /// The addressing modes a group may be created with.
    static let groupAddressingModes: Set<String> = ["pn", "lid"]

    /// Every member device of `group`: as the server delivers to it (`device`, by phone number)
    /// and as the group names it (`addressed`: its LID form in a LID-addressed group).
    func memberDevices(of group: GroupRecord) async -> [(device: JID, addressed: JID)] {
        var devices: [(device: JID, addressed: JID)] = []
        for phone in group.participants {
            guard let account = await accounts.account(phone: phone) else { continue }
            devices += account.deviceIDs.map { id in
                (account.deviceJID(id), group.isLIDAddressed ? account.lidDeviceJID(id) : account.deviceJID(id))
            }
        }
        return devices
    }

    /// `account`'s device `id` as it writes in `group`: its LID form in a LID-addressed group.
    static func groupDevice(_ id: UInt16, of account: VirtualAccount, in group: GroupRecord) -> JID {
        group.isLIDAddressed ? account.lidDeviceJID(id) : account.deviceJID(id)
    }

    /// `group`'s metadata as its members see it, in its addressing, each member's other JID beside it.
    func addressedMetadata(of group: GroupRecord) async -> GroupMetadata {
        group.metadata(lids: await memberLIDs(of: group, and: [group.subjectSetBy].compactMap { $0 }))
    }

    /// Names the sender of a group message's copies in `attributes`, in `group`'s addressing:
    /// its device as `participant`; in a LID-addressed group its LID device, with its phone
    /// number as `participant_pn` and `addressing_mode=lid`.
    static func nameParticipant(
        _ sender: UInt16, of account: VirtualAccount, in group: GroupRecord, in attributes: inout Attributes
    ) {
        attributes["participant"] = .jid(groupDevice(sender, of: account, in: group))
        guard group.isLIDAddressed else { return }
        attributes["participant_pn"] = .jid(account.jid)
        attributes["addressing_mode"] = "lid"
    }
}
