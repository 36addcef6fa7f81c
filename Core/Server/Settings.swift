import Foundation
import WAClient
import WATransport

/// Everything `wago serve` is configured with: flags, else environment, else defaults.
public struct GatewaySettings: Sendable {
    /// Compared in constant time with the `admintoken` header; never logged.
    public var adminToken: String
    public var host: String
    public var port: Int
    public var dataDirectory: URL
    public var pluginsDirectory: URL
    /// Plugin names to enable; nil enables every plugin found.
    public var enabledPlugins: Set<String>?
    /// `WAGO_SECRET_KEY`; nil uses the data folder's key file.
    public var secretKey: String?
    /// Lets webhook and media URLs point at loopback and private networks (tests, LANs).
    public var allowPrivateURLs: Bool
    public var maxRequestBodyBytes: Int
    /// How long a plugin may take to answer a request before the client gets 504.
    public var pluginReplyTimeout: Duration
    /// Where sessions reach WhatsApp (or the sandbox) and how they present themselves.
    public var whatsApp: ClientConfiguration
    /// Webhook retries, concurrency and timeouts.
    public var webhooks = WebhookDeliverySettings()

    public init(
        adminToken: String, host: String = "0.0.0.0", port: Int = 1337,
        dataDirectory: URL = URL(fileURLWithPath: "data", isDirectory: true),
        pluginsDirectory: URL, enabledPlugins: Set<String>? = nil, secretKey: String? = nil,
        allowPrivateURLs: Bool = false, maxRequestBodyBytes: Int = 64 << 20,
        pluginReplyTimeout: Duration = .seconds(120),
        whatsApp: ClientConfiguration = ClientConfiguration(socket: WhatsAppSocketSettings())
    ) {
        self.adminToken = adminToken
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.pluginsDirectory = pluginsDirectory
        self.enabledPlugins = enabledPlugins
        self.secretKey = secretKey
        self.allowPrivateURLs = allowPrivateURLs
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.pluginReplyTimeout = pluginReplyTimeout
        self.whatsApp = whatsApp
    }
}
