import Foundation
import WABinary
import WAMessaging
import WASignal

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

    /// Before `store`'s phone writes to `devices`: a session it holds with one of them by phone
    /// number while writing to it as a LID moves to the LID address, as WhatsApp's apps move
    /// their sessions once they know a contact's LID; the message then goes on the same ratchet
    /// (no new prekey message). Runs in the phone's lane of `phoneSignal`.
    func migratePhoneSessions(of store: some SignalSessionStore, to devices: [JID]) async throws {
        for device in devices where device.server == JID.lidServer {
            guard let owner = await accounts.account(owning: device) else { continue }
            let (phoneAddress, lidAddress) = (owner.deviceJID(device.device).signalAddress, device.signalAddress)
            guard let record = try await store.session(for: phoneAddress), let identity = record.remoteIdentity,
                try await store.session(for: lidAddress)?.hasSession != true
            else { continue }
            try await store.commit(
                SessionCommit(address: lidAddress, record: record, remoteIdentity: identity, consumedPreKeyID: nil))
            try await store.commit(
                SessionCommit(address: phoneAddress, record: SessionRecord(), remoteIdentity: identity, consumedPreKeyID: nil))
        }
    }

    /// Before a phone decrypts `stanza`: a sender writing from a LID device whose phone-number
    /// session the phone holds gets that session moved to the LID, as the gateway does.
    func migratePhoneSessions(of store: some SignalSessionStore, forSenderOf stanza: Node) async throws {
        let from = stanza["from"]?.jid
        guard let sender = from?.server == JID.groupServer ? stanza["participant"]?.jid : from else { return }
        try await migratePhoneSessions(of: store, to: [sender])
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
