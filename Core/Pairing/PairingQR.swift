import Foundation

/// The QR text: https://wa.me/settings/linked_devices#ref,b64(noise),b64(identity),b64(adv),type
public struct PairingQR: Sendable, Equatable {
    /// Where the text starts; the phone ignores anything else.
    static let prefix = "https://wa.me/settings/linked_devices#"

    /// One `<ref>` of the server's pair-device iq.
    public var ref: String
    /// The companion's Noise static public key (32 bytes).
    public var noisePublicKey: [UInt8]
    /// The companion's Signal identity public key (32 bytes).
    public var identityPublicKey: [UInt8]
    /// The secret that keys the pair-success HMAC (32 bytes).
    public var advSecret: [UInt8]
    /// whatsmeow's `PairClientType`: "1"..."9", "c", "e", ...
    public var clientType: String

    public init(
        ref: String, noisePublicKey: [UInt8], identityPublicKey: [UInt8], advSecret: [UInt8], clientType: String
    ) {
        self.ref = ref
        self.noisePublicKey = noisePublicKey
        self.identityPublicKey = identityPublicKey
        self.advSecret = advSecret
        self.clientType = clientType
    }

    /// Reads QR text strictly: the prefix, five comma-separated parts, standard base64 with
    /// padding, 32-byte keys and secret, a non-empty ref and client type.
    public init(parsing text: String) throws(PairingError) {
        guard text.hasPrefix(Self.prefix) else { throw .malformed("QR text does not start with \(Self.prefix)") }
        let parts = text.dropFirst(Self.prefix.count).split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 5 else { throw .malformed("QR text has \(parts.count) parts, not 5") }
        guard !parts[0].isEmpty else { throw .malformed("QR ref is empty") }
        guard !parts[4].isEmpty else { throw .malformed("QR client type is empty") }
        self.init(
            ref: String(parts[0]),
            noisePublicKey: try Self.key(parts[1], name: "noise key"),
            identityPublicKey: try Self.key(parts[2], name: "identity key"),
            advSecret: try Self.key(parts[3], name: "ADV secret"),
            clientType: String(parts[4]))
    }

    /// The text to render as a QR code.
    public var text: String {
        let encoded = [noisePublicKey, identityPublicKey, advSecret].map { Data($0).base64EncodedString() }
        return Self.prefix + ([ref] + encoded + [clientType]).joined(separator: ",")
    }

    /// A 32-byte value from standard base64.
    private static func key(_ base64: Substring, name: String) throws(PairingError) -> [UInt8] {
        guard let data = Data(base64Encoded: String(base64)) else { throw .malformed("QR \(name) is not base64") }
        guard data.count == 32 else { throw .malformed("QR \(name) has \(data.count) bytes, not 32") }
        return [UInt8](data)
    }
}
