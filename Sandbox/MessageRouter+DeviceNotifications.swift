import Foundation
import WABinary
import WAMessaging

/// Device changes as WhatsApp announces them: when a companion links or unlinks, the account's
/// other companions, the companions of the accounts it messaged and those of its groups' members
/// get `<notification type=devices>` with the new list's hash, so their cached lists follow.
extension MessageRouter {
    /// Announces that `device` linked to its account.
    func announceLinked(_ device: JID) async {
        await announce(.add, of: device)
    }

    /// Announces that `device` was removed from its account.
    func announceUnlinked(_ device: JID) async {
        await announce(.remove, of: device)
    }

    private func announce(_ change: DeviceNotification.Change, of device: JID) async {
        guard let account = await accounts.account(owning: device) else { return }
        var phones = await contacts.contacts(of: account.phone)
        for group in await groups.groups(of: account.phone) { phones.formUnion(group.participants) }
        phones.insert(account.phone)
        let notification = DeviceNotification(
            user: account.jid, change: change, device: device,
            deviceHash: ParticipantHash.of(account.deviceIDs.map(account.deviceJID)), lid: account.lidJID,
            lidDevice: account.lidDeviceJID(device.device),
            lidDeviceHash: ParticipantHash.of(account.deviceIDs.map(account.lidDeviceJID)))
        for phone in phones.sorted() {
            guard let peer = await accounts.account(phone: phone) else { continue }
            for companion in peer.companions.map({ peer.deviceJID($0.deviceID) }) where companion != device {
                await deliver(notification.node(id: SandboxConnection.randomID()), to: companion)
            }
        }
    }
}
