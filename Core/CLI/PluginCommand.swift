import ArgumentParser
import Foundation
import Logging
import WagoServer

struct PluginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin", abstract: "Work with plugin libraries.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a plugin the way the server does and print what it declares; exit non-zero with the reason when the server would refuse it.")

        @Argument(help: "Path of the plugin library (.so).")
        var path: String
        @Option(help: "Also load the plugins of this folder first, to find route conflicts with them.")
        var with: String?

        func run() throws {
            switch PluginCheck.run(path: path, alongside: with.map { URL(fileURLWithPath: $0, isDirectory: true) }) {
            case .success(let info):
                print("plugin \(info.name) \(info.version)")
                print("abi \(info.abiVersion)")
                if !info.description.isEmpty { print("description \(info.description)") }
                for route in info.routes { print("route \(route)") }
                for event in info.events { print("event \(event)") }
            case .failure(let refusal):
                FileHandle.standardError.write(Data("\(refusal)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
