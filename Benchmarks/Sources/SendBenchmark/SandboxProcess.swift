import Foundation
import WagoSandbox

/// The sandbox in a process of its own (`--sandbox apart`): this binary again, in the
/// `--serve-sandbox` role. Apart, the kernel counts the sandbox's CPU time (its server, its
/// virtual phones' encryption) separately from the gateway's, so a row can say what the
/// gateway alone costs per operation.
struct SandboxProcess {
    let info: SandboxInfo
    /// The port of its chat WebSocket, where its control API answers too.
    let port: Int
    let pid: pid_t
    /// Our end of the child's standard input: when it closes, with us, the child exits.
    private let lifeline: Int32

    /// Starts the child on a fresh `directory` and waits for the line saying where it listens.
    /// `posix_spawn` itself, not Foundation's `Process`: that one closes every descriptor it
    /// finds open, and under valgrind (the profiler, `Benchmarks/profile`) some are valgrind's.
    static func start(directory: URL, adminToken: String, offlineQueueLimit: Int) throws -> SandboxProcess {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0 else {
            throw BenchmarkWorld.RequestFailed(description: "pipe: \(String(cString: strerror(errno)))")
        }
        // Not inherited as they are: the child gets two of them as its 0 and 1 (dup2 clears the flag).
        for descriptor in input + output { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        // The link's target, not the link: under valgrind the link is valgrind's own binary.
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let arguments = [executable, "--serve-sandbox", directory.path, "--backlog", "\(offlineQueueLimit)"]
        let environment = ProcessInfo.processInfo.environment.merging(["WAGO_ADMIN_TOKEN": adminToken]) { $1 }
            .map { "\($0)=\($1)" }
        var pid: pid_t = 0
        let spawned = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, executable, &actions, nil, argv, envp) }
        }
        close(input[0])
        close(output[1])
        defer { close(output[0]) }
        guard spawned == 0 else {
            close(input[1])
            throw BenchmarkWorld.RequestFailed(description: "posix_spawn: \(String(cString: strerror(spawned)))")
        }
        do {
            var line: [UInt8] = []
            var byte: UInt8 = 0
            while line.last != UInt8(ascii: "\n") {
                guard read(output[0], &byte, 1) == 1 else {
                    throw BenchmarkWorld.RequestFailed(description: "the sandbox process ended before it listened")
                }
                line.append(byte)
            }
            let info = try JSONDecoder().decode(SandboxInfo.self, from: Data(line.dropLast()))
            guard let port = URLComponents(string: info.url)?.port else {
                throw BenchmarkWorld.RequestFailed(description: "the sandbox printed no port: \(info.url)")
            }
            return SandboxProcess(info: info, port: port, pid: pid, lifeline: input[1])
        } catch {
            stop(pid: pid, lifeline: input[1])
            throw error
        }
    }

    func stop() { Self.stop(pid: pid, lifeline: lifeline) }

    private static func stop(pid: pid_t, lifeline: Int32) {
        close(lifeline)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
    }

    private static func withCStrings<Result>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> Result
    ) -> Result {
        let copies = strings.map { strdup($0) } + [nil]
        defer { copies.forEach { free($0) } }
        return body(copies)
    }

    /// The child's role: serves the sandbox on a free loopback port, prints its `SandboxInfo`
    /// line, and exits when its parent does (standard input closes).
    static func serve(directory: String, offlineQueueLimit: Int) async throws {
        let server = try SandboxServer(
            configuration: SandboxConfiguration(
                host: "127.0.0.1", port: 0, dataDirectory: URL(fileURLWithPath: directory, isDirectory: true),
                adminToken: ProcessInfo.processInfo.environment["WAGO_ADMIN_TOKEN"],
                offlineQueueLimit: offlineQueueLimit),
            logger: BenchmarkWorld.logger(label: "wago.bench.sandbox"))
        Thread.detachNewThread {
            var byte: UInt8 = 0
            while read(0, &byte, 1) > 0 {}
            exit(0)
        }
        try await server.run { info in FileHandle.standardOutput.write(Data((info.json + "\n").utf8)) }
    }
}
