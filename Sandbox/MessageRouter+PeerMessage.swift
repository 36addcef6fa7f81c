import Foundation
import WABinary
import WAMessaging
import WAProto

/// Peer messages: a virtual phone writing to one of its own companions (history sync, app
/// state keys), as WhatsApp carries them: `<message category=peer>` to that device alone.
extension MessageRouter {
    /// Encrypts `message` from `account`'s phone for its companion `device` and routes it (to
    /// the live connection, or the offline queue until the device logs in).
    /// - Returns: the message id.
    func phoneSendPeer(_ message: WAE2E_Message, from account: VirtualAccount, to device: JID) async throws -> String {
        let store = PhoneSignalStore(account: account, state: phones)
        let id = MessageID.generate(ownUser: account.phone)
        let stanza = try await phoneSignal.run(in: account.phone) {
            try await MessageEncryptor(store: store, fetchBundles: { try await self.claimBundles($0) }).stanza(
                for: message, id: id, to: account.jid, recipientDevices: [device], ownDevices: [], deviceIdentity: nil)
        }
        var routed: RoutedMessage
        do throws(MessageRefusal) {
            routed = try await check(stanza, from: account.deviceJID(0))
        } catch {
            throw PeerMessageRefusal(reason: error.reason)
        }
        for index in routed.deliveries.indices {
            routed.deliveries[index].stanza.attributes["category"] = "peer"
        }
        await deliver(routed)
        return id
    }
}
