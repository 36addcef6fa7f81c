import ArgumentParser
import Foundation
import Logging
import WagoServer

@main
struct WagoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wago",
        abstract: "A self-hosted WhatsApp gateway with WaGo's REST API.",
        subcommands: [ServeCommand.self, SandboxCommand.self, PluginCommand.self, DebugCommand.self, VersionCommand.self],
        defaultSubcommand: ServeCommand.self)
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() {
        print("wago \(WagoVersion.current) (plugin ABI \(WagoVersion.pluginABI))")
    }
}
