/// Why a pairing step was refused.
public enum PairingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A node or QR text lacks a field or has a bad one; the string names it.
    case malformed(String)
    /// The ADV HMAC does not match the secret (iq error 401 "hmac-mismatch").
    case hmacMismatch
    /// An account or device signature does not verify (iq error 401 "signature-mismatch").
    case signatureMismatch
    /// Pair code: the key bundle did not decrypt, or it names other identities.
    case wrongCode

    public var description: String {
        switch self {
        case .malformed(let field): "malformed pairing data: \(field)"
        case .hmacMismatch: "the device identity HMAC does not match the ADV secret"
        case .signatureMismatch: "an ADV account or device signature does not verify"
        case .wrongCode: "the pairing code does not match"
        }
    }
}
