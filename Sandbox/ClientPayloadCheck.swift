import Foundation
import SwiftProtobuf
import WABinary
import WACrypto
import WAProto
import WASocket

/// What a ClientPayload asks for, once it passed the checks the real server makes.
enum ClientRequest: Sendable {
    /// A new device registering its Signal keys; it is shown QR refs next.
    case registration(CompanionRegistration)
    /// A linked device logging in; `passive` connections get stanzas only after `<active/>`.
    case login(JID, passive: Bool)
}

/// Why a ClientPayload was refused.
enum ClientPayloadRefusal: Error, Equatable, Sendable {
    /// Missing or malformed fields, or a bad signature: the server closes without a word.
    case malformed(String)
    /// The client version is too old: `<failure reason=405>`.
    case outdated(WAWebVersion)
}

extension ClientRequest {
    /// Checks `payload` as the real server does and says what it asks for.
    init(checking payload: WAWa6_ClientPayload, minimumVersion: WAWebVersion) throws(ClientPayloadRefusal) {
        guard payload.hasUserAgent, payload.userAgent.hasPlatform, payload.userAgent.hasAppVersion else {
            throw .malformed("user agent with platform and app version")
        }
        guard payload.hasConnectType, payload.hasConnectReason else { throw .malformed("connect type and reason") }
        let app = payload.userAgent.appVersion
        let version = WAWebVersion(app.primary, app.secondary, app.tertiary)
        guard (version.primary, version.secondary, version.tertiary)
            >= (minimumVersion.primary, minimumVersion.secondary, minimumVersion.tertiary)
        else { throw .outdated(version) }

        if payload.hasUsername {
            guard !payload.hasDevicePairingData else { throw .malformed("login with registration data") }
            guard payload.username > 0, payload.device <= UInt32(UInt8.max) else { throw .malformed("username or device") }
            let jid = JID(user: String(payload.username), server: JID.userServer, device: UInt16(payload.device))
            self = .login(jid, passive: payload.passive)
        } else {
            guard payload.hasDevicePairingData else { throw .malformed("registration without devicePairingData") }
            self = .registration(try Self.check(payload.devicePairingData))
        }
    }

    /// The registration fields' sizes, the signed prekey's signature by the identity key, and
    /// the device properties.
    private static func check(
        _ data: WAWa6_ClientPayload.DevicePairingRegistrationData
    ) throws(ClientPayloadRefusal) -> CompanionRegistration {
        let sizes: [(String, Data, Int)] = [
            ("eRegid", data.eRegid, 4), ("eKeytype", data.eKeytype, 1), ("eIdent", data.eIdent, 32),
            ("eSkeyID", data.eSkeyID, 3), ("eSkeyVal", data.eSkeyVal, 32), ("eSkeySig", data.eSkeySig, 64),
            ("buildHash", data.buildHash, 16),
        ]
        for (name, value, size) in sizes where value.count != size {
            throw .malformed("\(name) must be \(size) bytes")
        }
        guard data.eKeytype.first == Curve25519PublicKey.djbType else { throw .malformed("eKeytype") }
        let signedMessage = [Curve25519PublicKey.djbType] + Array(data.eSkeyVal)
        guard XEdDSA.verify(publicKey: Array(data.eIdent), message: signedMessage, signature: Array(data.eSkeySig)) else {
            throw .malformed("signed prekey signature")
        }
        guard data.hasDeviceProps, let props = try? WACompanionReg_DeviceProps(serializedBytes: data.deviceProps) else {
            throw .malformed("deviceProps")
        }
        let signedPreKey = PublishedKeys.SignedPreKey(
            id: bigEndian(data.eSkeyID), publicKey: data.eSkeyVal, signature: data.eSkeySig)
        return CompanionRegistration(
            keys: PublishedKeys(identity: data.eIdent, registrationID: bigEndian(data.eRegid), signedPreKey: signedPreKey),
            name: props.os, platform: String(describing: props.platformType))
    }

    /// An unsigned big-endian number of up to 4 bytes.
    private static func bigEndian(_ bytes: Data) -> UInt32 {
        bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
}
