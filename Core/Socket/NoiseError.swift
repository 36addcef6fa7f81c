/// Why a Noise handshake or transport operation failed. The connection must be dropped.
public enum NoiseError: Error, Equatable, Sendable {
    /// A handshake step was called out of order, or a message of the wrong kind arrived.
    case unexpectedMessage(String)
    /// A handshake message lacked a part or had one of the wrong size.
    case malformedMessage(String)
    /// An AES-GCM tag did not verify: wrong key, wrong counter or tampered bytes.
    case decryptionFailed
    /// The 32-bit nonce counter would wrap, which would reuse an IV.
    case nonceExhausted
    /// A key was rejected by X25519 (e.g. a low-order point).
    case invalidKey
    /// The server's certificate chain did not verify.
    case certificate(CertificateError)
    /// The byte stream was not valid WhatsApp framing.
    case framing(FrameError)
    /// The transport closed before the handshake finished.
    case connectionClosed
}
