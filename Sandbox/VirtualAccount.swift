import Foundation
import WABinary

/// A virtual WhatsApp account: a phone number, its phone (device 0, with real keys) and the
/// companions linked to it.
public struct VirtualAccount: Codable, Sendable, Equatable {
    /// Digits only, country code first.
    public var phone: String
    public var pushName: String
    /// The account's LID user: 15 random digits.
    public var lid: String
    /// The phone's published keys (device 0) and the private halves it keeps.
    public var phoneKeys: PublishedKeys
    public var phoneSecrets: PhoneSecrets
    public var companions: [LinkedDevice]
    /// ADV: the `rawId` every device identity of this account carries.
    public var advRawID: UInt32
    /// The next companion's ADV key index and device id; neither is reused after an unlink.
    public var nextKeyIndex: UInt32
    public var nextDeviceID: UInt16

    /// The platform the virtual phone reports in pair-success.
    static let phonePlatform = "android"

    /// A new account with fresh phone keys and a random LID, kept for the account's life
    /// (stored with it), as WhatsApp's LIDs are.
    init(phone: String, pushName: String) throws {
        let (secrets, published) = try PhoneSecrets.generate()
        self.phone = phone
        self.pushName = pushName
        lid = String(UInt64.random(in: 100_000_000_000_000...999_999_999_999_999))
        phoneKeys = published
        phoneSecrets = secrets
        companions = []
        advRawID = UInt32.random(in: 1...UInt32.max)
        nextKeyIndex = 1
        nextDeviceID = 1
    }

    /// `phone@s.whatsapp.net`.
    public var jid: JID { JID(user: phone, server: JID.userServer) }
    /// `lid@lid`.
    public var lidJID: JID { JID(user: lid, server: JID.lidServer) }

    /// Whether `jid` names this account, by phone number or LID (any device).
    func owns(_ jid: JID) -> Bool {
        (jid.server == JID.userServer && jid.user == phone) || (jid.server == JID.lidServer && jid.user == lid)
    }

    /// Its devices' ids: the phone's 0, then the companions'.
    var deviceIDs: [UInt16] { [0] + companions.map(\.deviceID) }

    /// `phone:device@s.whatsapp.net` (device 0, the phone, written bare).
    func deviceJID(_ id: UInt16) -> JID {
        JID(user: phone, server: JID.userServer, device: id)
    }

    /// `lid:device@lid` (device 0 written bare): the same device as a LID.
    func lidDeviceJID(_ id: UInt16) -> JID {
        JID(user: lid, server: JID.lidServer, device: id)
    }

    /// Device `id` by LID when `byLID`, else by phone number.
    func deviceJID(_ id: UInt16, byLID: Bool) -> JID {
        byLID ? lidDeviceJID(id) : deviceJID(id)
    }

    /// The published keys of device `id` (0 is the phone).
    func keys(ofDevice id: UInt16) -> PublishedKeys? {
        id == 0 ? phoneKeys : companions.first { $0.deviceID == id }?.keys
    }

    /// Changes the published keys of device `id`; false when there is no such device.
    mutating func updateKeys(ofDevice id: UInt16, _ change: (inout PublishedKeys) -> Void) -> Bool {
        if id == 0 {
            change(&phoneKeys)
            return true
        }
        guard let index = companions.firstIndex(where: { $0.deviceID == id }) else { return false }
        change(&companions[index].keys)
        return true
    }
}
