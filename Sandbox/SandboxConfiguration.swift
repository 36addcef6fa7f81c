import Foundation
import WASocket

/// How a sandbox server is started.
public struct SandboxConfiguration: Sendable {
    /// The address to listen on; loopback unless the sandbox is shared on purpose.
    public var host: String
    /// 0 picks a free port (embedded use in tests).
    public var port: Int
    /// Holds the sandbox's key file and its accounts file.
    public var dataDirectory: URL
    /// Required in the `admintoken` header of control requests; nil refuses them all.
    public var adminToken: String?
    /// Clients that do not finish the Noise handshake in time are dropped.
    public var handshakeTimeout: Duration
    /// How long the server waits, after a stream error or failure, for the client to hang up
    /// before it closes the connection itself. Closing at once can make clients lose the stanza.
    public var hangUpDelay: Duration
    /// Older clients get `<failure reason=405>`.
    public var minimumVersion: WAWebVersion
    /// How many QR refs a `pair-device` carries.
    public var pairingRefCount: Int
    /// How long the first QR ref is valid; each next one stays valid `refRotation` longer, as
    /// WhatsApp rotates the code (60 s, then every 20 s).
    public var firstRefLifetime: Duration
    public var refRotation: Duration
    /// How long linking waits for the companion's answers (pair-device-sign, companion_finish).
    public var linkTimeout: Duration
    /// false leaves `w:p` pings unanswered, as a stalled connection would.
    public var answersPings: Bool
    /// false makes a companion's logout remove it and drop the connection without answering
    /// or a stream error, as a connection lost at that moment would.
    public var answersLogout: Bool
    /// How many stanzas wait for an offline device at most; older ones are dropped first.
    public var offlineQueueLimit: Int

    public init(
        host: String = "127.0.0.1", port: Int = 1338, dataDirectory: URL, adminToken: String? = nil,
        handshakeTimeout: Duration = .seconds(20), hangUpDelay: Duration = .seconds(3),
        minimumVersion: WAWebVersion = WAWebVersion(2, 3000, 0), pairingRefCount: Int = 6,
        firstRefLifetime: Duration = .seconds(60), refRotation: Duration = .seconds(20), linkTimeout: Duration = .seconds(10),
        answersPings: Bool = true, answersLogout: Bool = true, offlineQueueLimit: Int = 1000
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.adminToken = adminToken
        self.handshakeTimeout = handshakeTimeout
        self.hangUpDelay = hangUpDelay
        self.minimumVersion = minimumVersion
        self.pairingRefCount = pairingRefCount
        self.firstRefLifetime = firstRefLifetime
        self.refRotation = refRotation
        self.linkTimeout = linkTimeout
        self.answersPings = answersPings
        self.answersLogout = answersLogout
        self.offlineQueueLimit = offlineQueueLimit
    }
}
