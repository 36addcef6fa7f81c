import Crypto
import Foundation
import SwiftProtobuf
import WAProto

/// A WhatsApp Web version, e.g. 2.3000.1045649367. The server rejects stale versions with
/// `<failure reason=405>`, so it must be configurable.
public struct WAWebVersion: Hashable, Sendable, CustomStringConvertible {
    public var primary: UInt32
    public var secondary: UInt32
    public var tertiary: UInt32

    /// The version whatsmeow announced when the vectors were recorded.
    public static let current = WAWebVersion(2, 3000, 1_045_649_367)

    public init(_ primary: UInt32, _ secondary: UInt32, _ tertiary: UInt32) {
        self.primary = primary
        self.secondary = secondary
        self.tertiary = tertiary
    }

    /// Parses "2.3000.1045649367"; nil unless exactly three decimal parts.
    public init?(_ string: String) {
        let parts = string.split(separator: ".", omittingEmptySubsequences: false).map { UInt32($0) }
        guard parts.count == 3, let a = parts[0], let b = parts[1], let c = parts[2] else { return nil }
        self.init(a, b, c)
    }

    public var description: String { "\(primary).\(secondary).\(tertiary)" }

    /// The registration `buildHash`: MD5 of the dotted version string.
    public var buildHash: [UInt8] { Array(Insecure.MD5.hash(data: Array(description.utf8))) }

    var userAgentVersion: WAWa6_ClientPayload.UserAgent.AppVersion {
        var version = WAWa6_ClientPayload.UserAgent.AppVersion()
        version.primary = primary
        version.secondary = secondary
        version.tertiary = tertiary
        return version
    }
}

extension WAWa6_ClientPayload {
    /// The fields every WhatsApp Web client sends: a desktop browser on Wi-Fi, en-US.
    public static func webClientBase(version: WAWebVersion = .current) -> WAWa6_ClientPayload {
        var userAgent = UserAgent()
        userAgent.platform = .web
        userAgent.releaseChannel = .release
        userAgent.appVersion = version.userAgentVersion
        userAgent.mcc = "000"
        userAgent.mnc = "000"
        userAgent.osVersion = "0.1"
        userAgent.manufacturer = ""
        userAgent.device = "Desktop"
        userAgent.osBuildNumber = "0.1"
        userAgent.localeLanguageIso6391 = "en"
        userAgent.localeCountryIso31661Alpha2 = "US"

        var payload = WAWa6_ClientPayload()
        payload.userAgent = userAgent
        payload.webInfo.webSubPlatform = .webBrowser
        payload.connectType = .wifiUnknown
        payload.connectReason = .userActivated
        return payload
    }

    /// The payload of a device that is not linked yet: it registers its Signal keys and the
    /// server answers with QR `pair-device` refs.
    /// - Parameters:
    ///   - registrationID: the Signal registration id (sent as 4 bytes big-endian).
    ///   - identityKey: the 32-byte Signal identity public key.
    ///   - signedPreKeyID: sent as 3 bytes big-endian.
    ///   - signedPreKey: the 32-byte signed prekey public key.
    ///   - signedPreKeySignature: XEdDSA signature of `0x05 || signedPreKey` by the identity key.
    public static func registration(
        registrationID: UInt32, identityKey: [UInt8], signedPreKeyID: UInt32, signedPreKey: [UInt8],
        signedPreKeySignature: [UInt8], deviceProps: WACompanionReg_DeviceProps = .companion(),
        version: WAWebVersion = .current
    ) -> WAWa6_ClientPayload {
        var pairing = DevicePairingRegistrationData()
        pairing.eRegid = Data(bigEndianBytes(registrationID, count: 4))
        pairing.eKeytype = Data([0x05])  // libsignal's DjbType: Curve25519
        pairing.eIdent = Data(identityKey)
        pairing.eSkeyID = Data(bigEndianBytes(signedPreKeyID, count: 3))
        pairing.eSkeyVal = Data(signedPreKey)
        pairing.eSkeySig = Data(signedPreKeySignature)
        pairing.buildHash = Data(version.buildHash)
        // DeviceProps holds only scalars and submessages, so serializing cannot fail.
        pairing.deviceProps = try! deviceProps.serializedBytes()

        var payload = webClientBase(version: version)
        payload.devicePairingData = pairing
        payload.passive = false
        payload.pull = false
        return payload
    }

    /// The payload of a linked device logging in as `username:device@s.whatsapp.net`. It starts
    /// passive (the server queues stanzas until `iq passive <active/>`).
    /// - Parameter lidDbMigrated: whatsmeow sends true, Baileys false.
    public static func login(
        username: UInt64, device: UInt32, lidDbMigrated: Bool = true, version: WAWebVersion = .current
    ) -> WAWa6_ClientPayload {
        var payload = webClientBase(version: version)
        payload.username = username
        payload.device = device
        payload.passive = true
        payload.pull = true
        payload.lidDbMigrated = lidDbMigrated
        payload.lc = 1
        return payload
    }
}

extension WACompanionReg_DeviceProps {
    /// The device properties a companion announces while pairing; the phone shows `osName` in
    /// its linked-devices list. History-sync settings mirror whatsmeow's.
    public static func companion(
        osName: String = "WaGo", osVersion: (UInt32, UInt32, UInt32) = (0, 1, 0),
        platformType: PlatformType = .unknown, requireFullSync: Bool = false
    ) -> WACompanionReg_DeviceProps {
        var props = WACompanionReg_DeviceProps()
        props.os = osName
        props.version.primary = osVersion.0
        props.version.secondary = osVersion.1
        props.version.tertiary = osVersion.2
        props.platformType = platformType
        props.requireFullSync = requireFullSync

        var history = HistorySyncConfig()
        history.storageQuotaMb = 10240
        history.inlineInitialPayloadInE2EeMsg = true
        history.supportCallLogHistory = true
        history.supportBotUserAgentChatHistory = true
        history.supportCagReactionsAndPolls = true
        history.supportBizHostedMsg = true
        history.supportRecentSyncChunkMessageCountTuning = true
        history.supportHostedGroupMsg = true
        history.supportFbidBotChatHistory = true
        history.supportMessageAssociation = true
        history.supportGroupHistory = true
        history.thumbnailSyncDaysLimit = 60
        history.supportManusHistory = true
        history.supportHatchHistory = true
        props.historySyncConfig = history
        return props
    }
}

/// The low `count` bytes of `value`, most significant first.
private func bigEndianBytes(_ value: UInt32, count: Int) -> [UInt8] {
    (0..<count).reversed().map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
}
