import Crypto
import Foundation
import WACrypto

/// Seals secrets at rest (session tokens, the WhatsApp keys, webhook payloads, plugin values)
/// with AES-256-GCM under a key derived from the deployment's master key, and derives the keyed
/// index used to find a token without storing it in clear. A sealed value is swift-crypto's
/// combined form: the 12-byte random nonce, the ciphertext, the 16-byte tag.
public struct SecretBox: Sendable {
    /// Prepared once (`AESGCMKey`): a send seals a record for each Signal session it moves on,
    /// and a received event its webhook payload.
    private let sealingKey: AESGCMKey
    /// Prepared too: every REST call finds its session by the token's index, and every send
    /// indexes the message it keeps for retries.
    private let indexKey: HMACSHA256Key

    /// - Parameter masterKey: 32 bytes from `WAGO_SECRET_KEY` or the data folder's key file.
    public init(masterKey: SymmetricKey) {
        // Separate keys per purpose, so an index value never helps an attack on the sealing key.
        let sealing = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: masterKey, info: Data("wago/seal/v1".utf8), outputByteCount: 32)
        // HKDF gave exactly the 32 bytes AES-256 takes, the one thing `AESGCMKey` checks.
        sealingKey = try! AESGCMKey(sealing.withUnsafeBytes { Array($0) })
        indexKey = HMACSHA256Key(
            HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey, info: Data("wago/index/v1".utf8), outputByteCount: 32)
                .withUnsafeBytes { Array($0) })
    }

    /// Encrypts `plaintext`. `context` (e.g. "session.token") is authenticated but not stored,
    /// so a sealed value copied into another column does not open.
    public func seal(_ plaintext: some DataProtocol, context: String) throws -> Data {
        let nonce = randomBytes(AESGCMKey.nonceSize)
        do {
            return Data(nonce + (try sealingKey.seal(Array(plaintext), nonce: nonce, authenticating: Array(context.utf8))))
        } catch {
            throw StoreError.crypto("AES-GCM could not seal a \(context): \(error)")
        }
    }

    /// Decrypts what `seal` produced with the same `context`.
    public func open(_ sealed: Data, context: String) throws -> Data {
        do {
            guard sealed.count >= AESGCMKey.nonceSize else { throw CryptoError.decryptionFailed }
            return Data(
                try sealingKey.open(
                    Array(sealed.dropFirst(AESGCMKey.nonceSize)), nonce: Array(sealed.prefix(AESGCMKey.nonceSize)),
                    authenticating: Array(context.utf8)))
        } catch {
            throw StoreError.crypto("a sealed \(context) does not open with this secret key")
        }
    }

    /// A keyed, deterministic digest of a secret: lets storage find a row by token without
    /// holding the token in clear.
    public func index(of secret: String) -> Data {
        Data(indexKey.authenticate(Array(secret.utf8)))
    }
}

extension SecretBox {
    /// The master key: `WAGO_SECRET_KEY` (64 hex digits or base64 of 32 bytes) when given,
    /// else `secret.key` in the data folder, created with mode 0600 on first start.
    public static func loadMasterKey(configured: String?, dataDirectory: URL) throws -> SymmetricKey {
        if let configured, !configured.isEmpty {
            guard let bytes = decodeKey(configured), bytes.count == 32 else {
                throw StoreError.invalidSecretKey(
                    "WAGO_SECRET_KEY must be 32 bytes written as 64 hex digits or base64")
            }
            return SymmetricKey(data: bytes)
        }
        let url = dataDirectory.appendingPathComponent("secret.key")
        if let existing = FileManager.default.contents(atPath: url.path) {
            guard existing.count == 32 else {
                throw StoreError.invalidSecretKey("\(url.path) must hold exactly 32 bytes")
            }
            return SymmetricKey(data: existing)
        }
        let key = SymmetricKey(size: .bits256)
        let bytes = key.withUnsafeBytes { Data($0) }
        // Create with 0600 from the start: never a moment where the key is world-readable.
        guard FileManager.default.createFile(
            atPath: url.path, contents: bytes, attributes: [.posixPermissions: 0o600])
        else { throw StoreError.invalidSecretKey("cannot create \(url.path)") }
        return key
    }

    private static func decodeKey(_ text: String) -> Data? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let hex = hexBytes(trimmed) { return hex }
        return Data(base64Encoded: trimmed)
    }
}

/// Bytes from 64 hex digits of a configured key; nil when `text` is not hex.
private func hexBytes(_ text: String) -> Data? {
    var bytes = Data()
    var high: UInt8?
    for c in text.utf8 {
        guard let v = UInt8(String(UnicodeScalar(c)), radix: 16) else { return nil }
        if let h = high { bytes.append(h << 4 | v); high = nil } else { high = v }
    }
    return high == nil ? bytes : nil
}
