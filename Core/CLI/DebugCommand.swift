import ArgumentParser
import Foundation
import WABinary

struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug", abstract: "Inspect WhatsApp binary nodes.", subcommands: [Decode.self, Encode.self])

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the JSON form of a binary node given as hex (flag byte included).")

        @Argument(help: "The frame payload in hex, e.g. 00f801edee.")
        var hex: String

        func run() throws {
            do {
                print(try NodeDebug.decode(hex: hex))
            } catch {
                throw ValidationError(error.description)
            }
        }
    }

    struct Encode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read a node's JSON form on standard input and print its binary encoding as hex.")

        func run() throws {
            do {
                print(try NodeDebug.encode(json: FileHandle.standardInput.readDataToEndOfFile()))
            } catch {
                throw ValidationError(error.description)
            }
        }
    }
}
