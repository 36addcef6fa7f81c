import Foundation

/// The C fixture plugins of Tests/Fixtures/Plugins, compiled once per test run with clang
/// against Core's header, as a third party would build them.
enum FixturePlugins {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static let built: Result<[String: String], FixtureBuildError> = {
        let source = repositoryRoot.appendingPathComponent("Tests/Fixtures/Plugins")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("wago-fixtures-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: source.path)) ?? [])
            .filter { $0.hasSuffix(".c") }.map { String($0.dropLast(2)) }
        var paths: [String: String] = [:]
        for name in names {
            let library = output.appendingPathComponent("lib\(name).so").path
            let status = run("clang", [
                "-std=c11", "-shared", "-fPIC", "-fvisibility=hidden", "-pthread",
                "-I", repositoryRoot.appendingPathComponent("Core/PluginABI/include").path,
                source.appendingPathComponent("\(name).c").path, "-o", library,
            ])
            guard status == 0 else { return .failure(FixtureBuildError(name: name)) }
            paths[name] = library
        }
        return .success(paths)
    }()

    /// The path of the built fixture `name` (its .c file's name without extension).
    static func path(_ name: String) throws -> String {
        let paths = try built.get()
        guard let path = paths[name] else { throw FixtureBuildError(name: name) }
        return path
    }

    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: URL? = nil) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let directory { process.currentDirectoryURL = directory }
        do {
            try process.run()
        } catch {
            return -1
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}

struct FixtureBuildError: Error, CustomStringConvertible {
    let name: String
    var description: String { "fixture plugin \(name) did not build with clang" }
}
