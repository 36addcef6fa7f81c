import ArgumentParser
import Foundation
import Hummingbird
import Logging
import WAClient
import WATransport
import WagoSandbox
import WagoServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the gateway. Flags override the WAGO_* environment.")

    @Option(help: "Admin token for admin routes (env WAGO_ADMIN_TOKEN, required).")
    var adminToken: String?
    @Option(help: "Address to listen on (env WAGO_HOST, default 0.0.0.0).")
    var host: String?
    @Option(help: "Port (env WAGO_PORT, default 1337).")
    var port: Int?
    @Option(help: "Data folder: database and secret key (env WAGO_DATA_DIR, default ./data).")
    var dataDir: String?
    @Option(help: "Folder of plugin libraries (env WAGO_PLUGINS_DIR, default: this executable's folder).")
    var pluginsDir: String?
    @Option(help: "Comma list of plugin names to enable (env WAGO_PLUGINS, default: all found).")
    var plugins: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        var logger = Logger(label: "wago")
        logger.logLevel = environment["WAGO_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        guard let adminToken = adminToken ?? environment["WAGO_ADMIN_TOKEN"], !adminToken.isEmpty else {
            throw ValidationError("WAGO_ADMIN_TOKEN is not set: choose a long random admin token and export it (or pass --admin-token)")
        }
        let portText = port.map(String.init) ?? environment["WAGO_PORT"] ?? "1337"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw ValidationError("WAGO_PORT must be a port number, not \"\(portText)\"")
        }
        let enabled = (plugins ?? environment["WAGO_PLUGINS"]).map {
            Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        let socket: WhatsAppSocketSettings
        do {
            socket = try WhatsAppSocketSettings(environment: environment)
        } catch {
            throw ValidationError(error.description)
        }
        var settings = GatewaySettings(
            adminToken: adminToken, host: host ?? environment["WAGO_HOST"] ?? "0.0.0.0", port: port,
            dataDirectory: URL(fileURLWithPath: dataDir ?? environment["WAGO_DATA_DIR"] ?? "data", isDirectory: true),
            pluginsDirectory: URL(fileURLWithPath: pluginsDir ?? environment["WAGO_PLUGINS_DIR"] ?? Self.executableDirectory, isDirectory: true),
            enabledPlugins: enabled, secretKey: environment["WAGO_SECRET_KEY"],
            allowPrivateURLs: environment["WAGO_ALLOW_PRIVATE_URLS"] == "1",
            whatsApp: ClientConfiguration(socket: socket))
        guard environment["WAGO_SANDBOX"] == "1" else {
            try await serve(settings, logger: logger)
            return
        }
        // The embedded sandbox listens on a free loopback port; every session points at it,
        // and its control API shares the gateway's port under /sandbox/.
        let sandbox = try SandboxServer(
            configuration: SandboxConfiguration(
                host: "127.0.0.1", port: 0, dataDirectory: settings.dataDirectory.appendingPathComponent("sandbox"),
                adminToken: adminToken),
            logger: logger)
        try await sandbox.withRunning { info in
            settings.whatsApp.socket.url = info.url
            settings.whatsApp.socket.rootKey = sandbox.rootPublicKey
            logger.info("sandbox mode: sessions connect to the embedded sandbox at \(info.url)")
            try await serve(settings, logger: logger) { sandbox.addControlRoutes(to: $0) }
        }
    }

    private func serve(
        _ settings: GatewaySettings, logger: Logger, extraRoutes: (Router<BasicRequestContext>) -> Void = { _ in }
    ) async throws {
        let gateway = try Gateway(settings: settings, logger: logger, extraRoutes: extraRoutes)
        logger.info("wago \(WagoVersion.current) listening on \(settings.host):\(settings.port)")
        try await gateway.run()
    }

    /// Where the running `wago` lives: release builds put the bundled plugins beside it.
    static var executableDirectory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }
}
