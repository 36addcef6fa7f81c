import WABinary

/// A parsed `<iq><pair-success>` (companion side).
public struct PairSuccess: Sendable {
    /// The iq's id, which the reply (or refusal) repeats.
    public let iqID: String
    /// Our new device JID (`phone:device@s.whatsapp.net`).
    public let deviceJID: JID
    /// Our new device LID, when the server sent one.
    public let lid: JID?
    /// The phone's platform (`<platform name>`), empty when absent.
    public let platform: String
    /// The business name (`<biz name>`), empty when absent.
    public let businessName: String
    /// The content of `<device-identity>`: an `ADVSignedDeviceIdentityHMAC`, serialized.
    public let deviceIdentity: [UInt8]

    /// nil when `iq` is not a pair-success iq; throws when it is one but is malformed.
    public static func parse(_ iq: Node) throws(PairingError) -> PairSuccess? {
        guard iq.tag == "iq", let success = iq.child(tagged: "pair-success") else { return nil }
        let device = try success.requiredChild("device")
        return PairSuccess(
            iqID: try iq.requiredString("id"),
            deviceJID: try device.requiredJID("jid"),
            lid: device.jid("lid"),
            platform: success.child(tagged: "platform")?.string("name") ?? "",
            businessName: success.child(tagged: "biz")?.string("name") ?? "",
            deviceIdentity: try success.requiredBytes("device-identity"))
    }
}
