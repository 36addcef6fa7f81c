import WABinary

/// A companion's stage-1 request of phone-number linking, as the phone's side reads it.
public struct CompanionHello: Sendable {
    /// The phone number the companion wants to link to.
    public let phone: JID
    /// salt ‖ iv ‖ the companion's ephemeral public key encrypted under the code.
    public let wrappedEphemeral: [UInt8]
    /// The companion's Noise static public key.
    public let noisePublicKey: [UInt8]
    /// `companion_platform_id`, a whatsmeow `PairClientType`.
    public let clientType: String
    /// `companion_platform_display`, e.g. "Chrome (Linux)".
    public let displayName: String

    /// nil when `iq` is not a companion_hello; throws when malformed.
    public static func parse(_ iq: Node) throws(PairingError) -> CompanionHello? {
        guard iq.tag == "iq", let registration = iq.child(tagged: "link_code_companion_reg"),
            registration.string("stage") == "companion_hello"
        else { return nil }
        return CompanionHello(
            phone: try registration.requiredJID("jid"),
            wrappedEphemeral: try registration.requiredBytes(
                "link_code_pairing_wrapped_companion_ephemeral_pub", count: LinkCodeCipher.wrappedKeyLength),
            noisePublicKey: try registration.requiredBytes("companion_server_auth_key_pub", count: 32),
            clientType: String(decoding: try registration.requiredBytes("companion_platform_id"), as: UTF8.self),
            displayName: String(decoding: try registration.requiredBytes("companion_platform_display"), as: UTF8.self))
    }
}
