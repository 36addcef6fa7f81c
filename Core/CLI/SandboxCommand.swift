import ArgumentParser
import Foundation
import Logging
import WagoSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a WhatsApp sandbox server on loopback. Prints its URL and root key as one line of JSON.")

    @Option(help: "Port (0 picks a free one).")
    var port: Int = 1338
    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"
    @Option(help: "Folder for the sandbox's keys and accounts (env WAGO_SANDBOX_DIR, default ./sandbox-data).")
    var dataDir: String?

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard (0...65535).contains(port) else { throw ValidationError("--port must be a port number") }
        var logger = Logger(label: "wago.sandbox")
        logger.logLevel = environment["WAGO_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let directory = dataDir ?? environment["WAGO_SANDBOX_DIR"] ?? "sandbox-data"
        let server = try SandboxServer(
            configuration: SandboxConfiguration(
                host: host, port: port, dataDirectory: URL(fileURLWithPath: directory, isDirectory: true),
                adminToken: environment["WAGO_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }),
            logger: logger)
        try await server.run { info in
            // Written unbuffered: scripts read this line to find the sandbox.
            FileHandle.standardOutput.write(Data((info.json + "\n").utf8))
        }
    }
}
