import Foundation
import WABinary

/// 1:1 messages addressed to a LID, as WhatsApp's server routes them: the sender's devices
/// reach the recipient as LIDs (`from=<lid>:<device>@lid`), with its phone number as
/// `sender_pn`, so every party's Signal sessions are kept per LID address; the sender's own
/// other devices get `recipient=<chat LID>` and `peer_recipient_pn`. Messages addressed to a
/// phone number keep phone-number addressing.
extension MessageRouter {
    /// What every copy of a 1:1 `stanza` from device `sender` says (`deliveryAttributes`), in
    /// the addressing of its `to`; `toSenderAccount` for copies to the sender's own devices.
    static func oneToOneAttributes(
        of stanza: Node, from sender: JID, timestamp: Int64, senderAccount: VirtualAccount, chatAccount: VirtualAccount,
        toSenderAccount: Bool
    ) -> Attributes {
        let byLID = stanza["to"]?.jid?.server == JID.lidServer
        let from = senderAccount.deviceJID(sender.device, byLID: byLID)
        var attributes = deliveryAttributes(of: stanza, from: from, timestamp: timestamp, account: senderAccount)
        switch (byLID, toSenderAccount) {
        case (true, true):
            attributes["recipient"] = .jid(chatAccount.lidJID)
            attributes["peer_recipient_pn"] = .jid(chatAccount.jid)
        case (true, false):
            attributes["sender_pn"] = .jid(senderAccount.jid)
        case (false, true):
            attributes["recipient"] = .jid(chatAccount.jid)
        case (false, false):
            break
        }
        return attributes
    }

    /// Every device of `accounts` in the addressing of a message to `to` (for its `phash`).
    static func addressedDevices(of accounts: [VirtualAccount], to: JID) -> [JID] {
        let byLID = to.server == JID.lidServer
        return accounts.flatMap { account in account.deviceIDs.map { account.deviceJID($0, byLID: byLID) } }
    }

    /// The LID of the account phone number `user` names, for usync; nil for unknown numbers
    /// and for what is not a phone number.
    func lid(of user: JID) async -> JID? {
        guard user.server == JID.userServer else { return nil }
        return await accounts.account(owning: user)?.lidJID
    }

    /// How a virtual phone addresses a 1:1 message to `recipient` (the JID `POST /sandbox/send`
    /// names): to the peer's LID devices, and its own companions as LIDs, when `recipient` is a
    /// LID; by phone number otherwise.
    static func phoneAddressing(from account: VirtualAccount, to peer: VirtualAccount, recipient: JID) -> (
        to: JID, recipientDevices: [JID], ownDevices: [JID]
    ) {
        let byLID = recipient.server == JID.lidServer
        return (
            byLID ? peer.lidJID : peer.jid, peer.deviceIDs.map { peer.deviceJID($0, byLID: byLID) },
            account.companions.map { account.deviceJID($0.deviceID, byLID: byLID) }
        )
    }
}
