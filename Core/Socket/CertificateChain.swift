import Foundation
import SwiftProtobuf
import WACrypto
import WAProto

/// Why a server certificate chain was rejected.
public enum CertificateError: Error, Equatable, Sendable {
    /// The chain or a certificate's details could not be decoded, or a part was missing.
    case malformed(String)
    /// A signature was not 64 bytes.
    case invalidSignatureLength(Int)
    /// The intermediate was not signed by the root key.
    case intermediateSignatureInvalid
    /// The intermediate's issuer serial was not the root's (0).
    case unexpectedIntermediateIssuer(UInt32)
    /// The leaf was not signed by the intermediate's key.
    case leafSignatureInvalid
    /// The leaf's issuer serial was not the intermediate's serial.
    case unexpectedLeafIssuer(UInt32, expected: UInt32)
    /// The leaf's key is not the static key the server used in the handshake.
    case leafKeyMismatch
    /// `now` (unix seconds) lies outside a certificate's validity window.
    case outsideValidity(certificate: String, now: Int64)
}

/// Checks the server's `CertChain` as whatsmeow does: root -> intermediate -> leaf, each link an
/// XEdDSA signature over the serialized details, and the leaf naming the handshake's static key.
public struct CertificateChainVerifier: Sendable {
    /// WhatsApp's production root public key.
    public static let whatsAppRootKey: [UInt8] = [
        0x14, 0x23, 0x75, 0x57, 0x4D, 0x0A, 0x58, 0x71, 0x66, 0xAA, 0xE7, 0x1E, 0xBE, 0x51, 0x64, 0x37,
        0xC4, 0xA2, 0x8B, 0x73, 0xE3, 0x69, 0x5C, 0x6C, 0xE1, 0xF7, 0xF9, 0x54, 0x5D, 0xA8, 0xEE, 0x6B,
    ]
    /// The serial the root key issues under; the intermediate must name it.
    public static let rootSerial: UInt32 = 0

    /// The 32-byte X25519 public key the intermediate must be signed with.
    public let rootKey: [UInt8]

    /// - Parameter rootKey: defaults to WhatsApp's; a sandbox server passes its own.
    public init(rootKey: [UInt8] = CertificateChainVerifier.whatsAppRootKey) {
        self.rootKey = rootKey
    }

    /// Verifies a serialized chain as decrypted from the server hello.
    /// - Returns: the decoded chain.
    @discardableResult
    public func verify(
        serializedChain: [UInt8], serverStaticKey: [UInt8], now: Date = Date()
    ) throws(CertificateError) -> WACert_CertChain {
        let chain: WACert_CertChain = try decode(serializedChain, "certificate chain")
        try verify(chain, serverStaticKey: serverStaticKey, now: now)
        return chain
    }

    /// Verifies a decoded chain.
    public func verify(_ chain: WACert_CertChain, serverStaticKey: [UInt8], now: Date = Date()) throws(CertificateError) {
        guard chain.intermediate.hasDetails, chain.intermediate.hasSignature,
            chain.leaf.hasDetails, chain.leaf.hasSignature
        else { throw .malformed("missing parts of the certificate chain") }
        let intermediateDetails = Array(chain.intermediate.details)
        let leafDetails = Array(chain.leaf.details)
        let intermediateSignature = Array(chain.intermediate.signature)
        let leafSignature = Array(chain.leaf.signature)
        for signature in [intermediateSignature, leafSignature] where signature.count != 64 {
            throw .invalidSignatureLength(signature.count)
        }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))

        guard XEdDSA.verify(publicKey: rootKey, message: intermediateDetails, signature: intermediateSignature) else {
            throw .intermediateSignatureInvalid
        }
        let intermediate: WACert_CertChain.NoiseCertificate.Details = try decode(intermediateDetails, "intermediate details")
        guard intermediate.issuerSerial == Self.rootSerial else {
            throw .unexpectedIntermediateIssuer(intermediate.issuerSerial)
        }
        guard intermediate.key.count == 32 else { throw .malformed("intermediate key length") }
        guard XEdDSA.verify(publicKey: Array(intermediate.key), message: leafDetails, signature: leafSignature) else {
            throw .leafSignatureInvalid
        }
        try checkValidity(intermediate, "intermediate", now: seconds)

        let leaf: WACert_CertChain.NoiseCertificate.Details = try decode(leafDetails, "leaf details")
        guard leaf.issuerSerial == intermediate.serial else {
            throw .unexpectedLeafIssuer(leaf.issuerSerial, expected: intermediate.serial)
        }
        guard Array(leaf.key) == serverStaticKey else { throw .leafKeyMismatch }
        try checkValidity(leaf, "leaf", now: seconds)
    }

    private func checkValidity(
        _ details: WACert_CertChain.NoiseCertificate.Details, _ name: String, now: Int64
    ) throws(CertificateError) {
        // Compared as signed seconds, like whatsmeow's time.Unix(int64(...)).
        let notBefore = Int64(truncatingIfNeeded: details.notBefore)
        let notAfter = Int64(truncatingIfNeeded: details.notAfter)
        guard now >= notBefore, now <= notAfter else { throw .outsideValidity(certificate: name, now: now) }
    }
}

/// Creates certificate chains for a server that plays WhatsApp's part (the sandbox, tests).
public enum CertificateChainIssuer {
    /// Signs an intermediate certificate with `rootKey` and a leaf naming `serverStaticKey`
    /// with `intermediateKey`.
    /// - Parameters:
    ///   - intermediateSerial: the leaf's issuer serial; whatsmeow's own chains use 1.
    ///   - validity: unix seconds, applied to both certificates.
    ///   - intermediateNonce, leafNonce: 64-byte XEdDSA randomness; nil for fresh bytes. Pass
    ///     recorded values to reproduce a chain exactly.
    public static func makeChain(
        rootKey: Curve25519KeyPair, intermediateKey: Curve25519KeyPair, serverStaticKey: [UInt8],
        intermediateSerial: UInt32 = 1, leafSerial: UInt32, validity: ClosedRange<UInt64>,
        intermediateNonce: [UInt8]? = nil, leafNonce: [UInt8]? = nil
    ) throws(CryptoError) -> WACert_CertChain {
        var intermediateDetails = WACert_CertChain.NoiseCertificate.Details()
        intermediateDetails.serial = intermediateSerial
        intermediateDetails.issuerSerial = CertificateChainVerifier.rootSerial
        intermediateDetails.key = Data(intermediateKey.publicKey.bytes)
        intermediateDetails.notBefore = validity.lowerBound
        intermediateDetails.notAfter = validity.upperBound

        var leafDetails = WACert_CertChain.NoiseCertificate.Details()
        leafDetails.serial = leafSerial
        leafDetails.issuerSerial = intermediateSerial
        leafDetails.key = Data(serverStaticKey)
        leafDetails.notBefore = validity.lowerBound
        leafDetails.notAfter = validity.upperBound

        var chain = WACert_CertChain()
        chain.intermediate = try certificate(intermediateDetails, signedBy: rootKey, nonce: intermediateNonce)
        chain.leaf = try certificate(leafDetails, signedBy: intermediateKey, nonce: leafNonce)
        return chain
    }

    private static func certificate(
        _ details: WACert_CertChain.NoiseCertificate.Details, signedBy key: Curve25519KeyPair, nonce: [UInt8]?
    ) throws(CryptoError) -> WACert_CertChain.NoiseCertificate {
        // Serializing a message with only scalar fields cannot fail.
        let detailBytes: [UInt8] = try! details.serializedBytes()
        var certificate = WACert_CertChain.NoiseCertificate()
        certificate.details = Data(detailBytes)
        certificate.signature = Data(try XEdDSA.sign(privateKey: key.privateKey, message: detailBytes, random: nonce))
        return certificate
    }
}

/// Decodes a protobuf message, mapping failures to `CertificateError.malformed`.
private func decode<M: SwiftProtobuf.Message>(_ bytes: [UInt8], _ what: String) throws(CertificateError) -> M {
    do {
        return try M(serializedBytes: bytes)
    } catch {
        throw .malformed(what)
    }
}
