import Foundation
import WABinary
import WASocket

/// Where and how the gateway reaches WhatsApp. Pointed at the sandbox (its URL and root key),
/// the client behaves exactly as it does against WhatsApp.
public struct WhatsAppSocketSettings: Sendable {
    /// WhatsApp's chat WebSocket.
    public static let defaultURL = "wss://web.whatsapp.com/ws/chat"
    /// The Origin header WhatsApp Web sends; the server expects it.
    public static let origin = "https://web.whatsapp.com"

    /// `wss://` in production; `ws://` is accepted for loopback tests and the sandbox.
    public var url: String
    /// The 32-byte key the server's certificate chain must chain to.
    public var rootKey: [UInt8]
    /// A PEM file of extra trusted CAs, added to the system's (e.g. a TLS-terminating sandbox).
    public var caFile: String?
    /// A server that accepts the WebSocket but does not finish the handshake in time is dropped.
    public var handshakeTimeout: Duration
    public var keepalive: KeepaliveSettings
    public var reconnect: ReconnectBackoff

    public init(
        url: String = WhatsAppSocketSettings.defaultURL,
        rootKey: [UInt8] = CertificateChainVerifier.whatsAppRootKey, caFile: String? = nil,
        handshakeTimeout: Duration = .seconds(20), keepalive: KeepaliveSettings = KeepaliveSettings(),
        reconnect: ReconnectBackoff = ReconnectBackoff()
    ) {
        self.url = url
        self.rootKey = rootKey
        self.caFile = caFile
        self.handshakeTimeout = handshakeTimeout
        self.keepalive = keepalive
        self.reconnect = reconnect
    }

    /// Reads `WAGO_WA_URL`, `WAGO_WA_ROOT_KEY` (64 hex digits) and `WAGO_CA_FILE`; unset
    /// variables keep the defaults.
    /// - Throws: `SettingsError` naming the variable that is invalid.
    public init(environment: [String: String]) throws(SettingsError) {
        self.init()
        if let url = environment["WAGO_WA_URL"], !url.isEmpty {
            guard url.hasPrefix("wss://") || url.hasPrefix("ws://") else {
                throw .invalid("WAGO_WA_URL", "must start with wss:// or ws://")
            }
            self.url = url
        }
        if let hex = environment["WAGO_WA_ROOT_KEY"], !hex.isEmpty {
            guard let key = try? Hex.bytes(hex), key.count == 32 else {
                throw .invalid("WAGO_WA_ROOT_KEY", "must be 32 bytes in hex (64 digits)")
            }
            rootKey = key
        }
        if let file = environment["WAGO_CA_FILE"], !file.isEmpty {
            guard FileManager.default.isReadableFile(atPath: file) else {
                throw .invalid("WAGO_CA_FILE", "cannot read \(file)")
            }
            caFile = file
        }
    }
}

/// A setting that could not be used.
public enum SettingsError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let name, let why): "\(name) \(why)"
        }
    }
}

/// whatsmeow's keepalive: a `w:p` ping every 20–30 s, 10 s to answer, and the connection is
/// given up once pings have failed for 3 minutes.
public struct KeepaliveSettings: Sendable {
    public var interval: ClosedRange<Duration>
    public var responseTimeout: Duration
    public var maxFailureTime: Duration

    public init(
        interval: ClosedRange<Duration> = .seconds(20) ... .seconds(30), responseTimeout: Duration = .seconds(10),
        maxFailureTime: Duration = .seconds(180)
    ) {
        self.interval = interval
        self.responseTimeout = responseTimeout
        self.maxFailureTime = maxFailureTime
    }

    /// A uniformly random wait within `interval`, so many sessions do not ping in step.
    func nextInterval() -> Duration {
        let low = interval.lowerBound / .milliseconds(1)
        let high = interval.upperBound / .milliseconds(1)
        return .milliseconds(Double.random(in: low...high))
    }
}

/// Exponential backoff with full jitter between failed connection attempts.
public struct ReconnectBackoff: Sendable {
    public var initialDelay: Duration
    public var maxDelay: Duration

    public init(initialDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(60)) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The wait before attempt `failures + 1`: random in `0...min(max, initial × 2^failures)`.
    public func delay(afterFailures failures: Int) -> Duration {
        let ceiling = min(maxDelay, initialDelay * (1 << min(failures, 20)))
        return .milliseconds(Double.random(in: 0...(ceiling / .milliseconds(1))))
    }
}
