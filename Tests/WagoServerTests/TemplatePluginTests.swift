import Foundation
import HummingbirdTesting
import Testing
@testable import WagoServer

/// plugin-template builds out of tree, as a third party would, and both of its plugins load
/// into the server and serve their routes.
@Suite("Plugin template")
struct TemplatePluginTests {
    /// Paths printed by plugin-template/build.sh: the Swift plugin, then the C plugin.
    static let built: Result<[String], TemplateBuildError> = {
        let directory = FixturePlugins.repositoryRoot.appendingPathComponent("plugin-template")
        let output = Pipe()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["build.sh"]
        process.currentDirectoryURL = directory
        process.standardOutput = output
        do { try process.run() } catch { return .failure(TemplateBuildError()) }
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let paths = printed.split(separator: "\n").map(String.init)
        guard process.terminationStatus == 0, paths.count == 2 else { return .failure(TemplateBuildError()) }
        return .success(paths)
    }()

    @Test("the vendored header and SDK are byte-identical to Core's")
    func vendoredCopies() throws {
        let root = FixturePlugins.repositoryRoot
        let pairs = [("Core/PluginABI/include/wago_plugin.h", "plugin-template/Sources/WagoPluginABI/include/wago_plugin.h")]
            + (try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("Core/PluginKit").path))
            .filter { $0.hasSuffix(".swift") }
            .map { ("Core/PluginKit/\($0)", "plugin-template/Sources/WagoPluginKit/\($0)") }
        for (core, copy) in pairs {
            let original = try Data(contentsOf: root.appendingPathComponent(core))
            let vendored = try? Data(contentsOf: root.appendingPathComponent(copy))
            #expect(original == vendored, "\(copy) differs from \(core): run plugin-template/scripts/check-vendored.sh --update")
        }
    }

    @Test("both template plugins pass wago plugin check and serve their routes", .timeLimit(.minutes(10)))
    func templatePluginsServe() async throws {
        let paths = try Self.built.get()
        for path in paths {
            _ = try PluginCheck.run(path: path, alongside: nil).get()
        }
        let test = try TestGateway(plugins: paths)
        #expect(test.gateway.plugins.loaded.map(\.manifest.name) == ["hello-swift", "hello-c"])
        try await test.test(.live) { client async throws in
            #expect(try await client.call(.get, "/hello-c/ping").data?["Pong"] as? Bool == true)
            let created = try await client.call(.post, "/session/init", admin: TestGateway.adminToken, json: #"{"Token":"tok"}"#)
            let session = try #require(created.data?["id"] as? String)
            for call in 1...2 {
                let echo = try await client.call(.post, "/hello-swift/echo", token: "tok", json: #"{"Text":"hi"}"#)
                #expect(echo.data?["Echo"] as? String == "hi")
                #expect(echo.data?["Session"] as? String == session)
                #expect(echo.data?["Calls"] as? Int == call, "kv storage keeps the count")
            }
            let bad = try await client.call(.post, "/hello-swift/echo", token: "tok", json: "{}")
            #expect(bad.status == .badRequest)
            let send = try await client.call(.post, "/hello-swift/send", token: "tok", json: #"{"Phone":"1","Body":"x"}"#)
            #expect(send.status == .internalServerError)
            #expect(send.error?.contains("not connected to WhatsApp") == true, "\(send.error ?? "")")
        }
        // The C template plugin claims its route, so the conflict fixture is refused beside it.
        let conflict = try TestGateway(plugins: [paths[1], FixturePlugins.path("route_conflict")])
        #expect(conflict.gateway.plugins.refused.first?.reason.contains("already served by hello-c") == true)
    }
}

struct TemplateBuildError: Error, CustomStringConvertible {
    var description: String { "plugin-template/build.sh failed" }
}
