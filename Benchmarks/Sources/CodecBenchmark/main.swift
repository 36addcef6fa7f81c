// Times WABinary's encoder and decoder on the shared benchmark nodes (shared/bench/*.json).
//
// Usage: CodecBenchmark [bench-dir] [seconds-per-measurement] [encode|decode]
// (the last argument runs one side only, for profiling)
// The bench folder defaults to WAGO_SHARED_DIR/bench, else shared/bench found above this
// source file. Build in release: the numbers of a debug build mean nothing. Rates are per
// second of the thread's CPU time.
import Foundation
import WABinary

let inputs = ["message-20.json", "usync-500.json"]

func benchDirectory() -> URL? {
    let arguments = CommandLine.arguments
    if arguments.count > 1 { return URL(fileURLWithPath: arguments[1], isDirectory: true) }
    if let shared = ProcessInfo.processInfo.environment["WAGO_SHARED_DIR"] {
        return URL(fileURLWithPath: shared, isDirectory: true).appendingPathComponent("bench")
    }
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/" {
        let candidate = directory.appendingPathComponent("shared/bench", isDirectory: true)
        if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        directory.deleteLastPathComponent()
    }
    return nil
}

func nodeCount(_ node: Node) -> Int {
    node.children.reduce(1) { $0 + nodeCount($1) }
}

/// CPU seconds used by this thread. The benchmark machine is shared, so wall time would
/// mostly measure the other processes.
func threadCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `body` repeatedly for about `seconds` of CPU time (after a short warm-up) and returns
/// the iterations per CPU second.
func iterationsPerSecond(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<10 { try body() }
    let start = threadCPUSeconds()
    var iterations = 0
    var elapsed = 0.0
    repeat {
        for _ in 0..<20 { try body() }
        iterations += 20
        elapsed = threadCPUSeconds() - start
    } while elapsed < seconds
    return Double(iterations) / elapsed
}

func report(_ label: String, bytes: Int, nodes: Int, rate: Double) {
    let megabytes = Double(bytes) * rate / 1e6
    let nodesPerSecond = Double(nodes) * rate
    print(
        label.padding(toLength: 26, withPad: " ", startingAt: 0)
            + String(format: "%9.1f MB/s %12.0f nodes/s %10.0f ops/s", megabytes, nodesPerSecond, rate))
}

guard let directory = benchDirectory() else {
    print("shared/bench not found; pass its path or set WAGO_SHARED_DIR")
    exit(2)
}
let seconds = CommandLine.arguments.count > 2 ? Double(CommandLine.arguments[2]) ?? 2 : 2
let only = CommandLine.arguments.count > 3 ? CommandLine.arguments[3] : nil

for name in inputs {
    let node = try Node(json: Data(contentsOf: directory.appendingPathComponent(name)))
    let frame = try node.encodedFrame()
    let nodes = nodeCount(node)
    guard try Node(frame: frame) == node else {
        print("\(name): decoding the encoded node does not give it back")
        exit(1)
    }
    print("\(name): \(frame.count) bytes, \(nodes) nodes")

    var sink = 0  // keeps the optimiser from dropping the work
    if only != "decode" {
        let rate = try iterationsPerSecond(seconds: seconds) { sink &+= try node.encodedFrame().count }
        report("  encode", bytes: frame.count, nodes: nodes, rate: rate)
    }
    if only != "encode" {
        let rate = try iterationsPerSecond(seconds: seconds) { sink &+= try Node(frame: frame).attributes.count }
        report("  decode", bytes: frame.count, nodes: nodes, rate: rate)
    }
    if sink == 42 { print("") }
}
