import Crypto
import Foundation
import WABinary

/// The `phash` of a group message: which devices the sender encrypted for, so the server can
/// tell when the sender's device list is stale.
public enum ParticipantHash {
    /// "2:" + unpadded base64 of the first 6 bytes of SHA-256 over the sorted AD strings
    /// (`user.agent:device@server`) of `devices`.
    public static func of(_ devices: [JID]) -> String {
        let joined = devices.map { "\($0.user).\($0.rawAgent):\($0.device)@\($0.server)" }.sorted().joined()
        let digest = Array(SHA256.hash(data: Array(joined.utf8)))
        return "2:" + Data(digest.prefix(6)).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}
