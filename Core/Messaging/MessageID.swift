import Crypto
import Foundation
import WABinary
import WACrypto

/// Message ids as WhatsApp Web forms them (whatsmeow's `GenerateMessageID`): "3EB0" and the
/// first 9 bytes of SHA-256(unix time ‖ own user ‖ "@c.us" ‖ 16 random bytes), in upper hex.
public enum MessageID {
    /// - Parameters:
    ///   - ownUser: our phone number, or nil before login (then left out of the hash).
    ///   - random: 16 random bytes; tests pass recorded ones.
    public static func generate(ownUser: String?, now: Date = Date(), random: [UInt8] = randomBytes(16)) -> String {
        var input = withUnsafeBytes(of: UInt64(now.timeIntervalSince1970).bigEndian) { Array($0) }
        if let ownUser, !ownUser.isEmpty { input += Array((ownUser + "@c.us").utf8) }
        input += random
        let digest = SHA256.hash(data: input)
        return "3EB0" + Hex.string(digest.prefix(9)).uppercased()
    }
}
