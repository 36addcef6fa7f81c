import WASocket
import WATransport

/// How sessions' clients reach WhatsApp and present themselves.
public struct ClientConfiguration: Sendable {
    public var socket: WhatsAppSocketSettings
    public var version: WAWebVersion
    /// The name the phone shows in its linked-devices list.
    public var osName: String
    /// The QR's platform character: "9" is "other web client", whatsmeow's default.
    public var qrClientType: String
    /// Pair-code linking names a browser; whatsmeow's documentation suggests Chrome on Linux.
    public var pairCodeClientType: String
    public var pairCodeClientDisplayName: String
    public var pairing: PairingTiming
    public var preKeys: PreKeyPolicy

    public init(
        socket: WhatsAppSocketSettings, version: WAWebVersion = .current, osName: String = "WaGo",
        qrClientType: String = "9", pairCodeClientType: String = "1",
        pairCodeClientDisplayName: String = "Chrome (Linux)", pairing: PairingTiming = PairingTiming(),
        preKeys: PreKeyPolicy = PreKeyPolicy()
    ) {
        self.socket = socket
        self.version = version
        self.osName = osName
        self.qrClientType = qrClientType
        self.pairCodeClientType = pairCodeClientType
        self.pairCodeClientDisplayName = pairCodeClientDisplayName
        self.pairing = pairing
        self.preKeys = preKeys
    }
}

/// WhatsApp shows each QR ref for 60 s, and the following ones for 20 s each.
public struct PairingTiming: Sendable {
    public var firstQRLifetime: Duration
    public var nextQRLifetime: Duration

    public init(firstQRLifetime: Duration = .seconds(60), nextQRLifetime: Duration = .seconds(20)) {
        self.firstQRLifetime = firstQRLifetime
        self.nextQRLifetime = nextQRLifetime
    }
}

/// whatsmeow's numbers: upload 50 one-time prekeys whenever the server holds fewer than 5.
/// The signed prekey is replaced once older than `signedPreKeyLifetime` (Baileys rotates too).
public struct PreKeyPolicy: Sendable {
    public var uploadCount: Int
    public var minimumOnServer: Int
    public var signedPreKeyLifetime: Duration

    public init(uploadCount: Int = 50, minimumOnServer: Int = 5, signedPreKeyLifetime: Duration = .seconds(7 * 86_400)) {
        self.uploadCount = uploadCount
        self.minimumOnServer = minimumOnServer
        self.signedPreKeyLifetime = signedPreKeyLifetime
    }
}
