// Times WABinary's encoder and decoder on the shared benchmark nodes (shared/bench/*.json).
//
// Usage: CodecBenchmark [bench-dir] [seconds-per-measurement] [encode|decode|lookup|build] [input]
// (the last two arguments run one measurement, or one input, only, for profiling). `lookup`
// reads every attribute of every node by key, plus one absent key, and `build` makes a copy
// of the ack with an `Attributes` literal, as the send path's handlers do.
// The bench folder defaults to WAGO_SHARED_DIR/bench, else shared/bench found above this
// source file. Build in release: the numbers of a debug build mean nothing. Rates are per
// second of the thread's CPU time.
import Foundation
import WABinary

let inputs = ["message-20.json", "usync-500.json", "receipt.json", "ack.json"]

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

/// Reads each attribute of `node` and its descendants by key, and one key no node has;
/// returns how many were found.
func lookUpAttributes(_ node: Node) -> Int {
    var found = node.attributes["absent"] == nil ? 0 : 1
    for element in node.attributes where node.attributes[element.key] != nil { found += 1 }
    for child in node.children { found += lookUpAttributes(child) }
    return found
}

/// A node like `ack`, built from an `Attributes` literal of its values. Not inlined, so that
/// a profile shows its cost apart.
@inline(never)
func rebuiltAck(_ ack: Node) -> Node {
    let missing: AttributeValue = ""
    return Node(
        tag: ack.tag,
        attributes: [
            "class": ack["class"] ?? missing, "id": ack["id"] ?? missing, "participant": ack["participant"] ?? missing,
            "to": ack["to"] ?? missing,
        ])
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
let onlyInput = CommandLine.arguments.count > 4 ? CommandLine.arguments[4] : nil

for name in inputs where onlyInput == nil || name == onlyInput {
    let node = try Node(json: Data(contentsOf: directory.appendingPathComponent(name)))
    let frame = try node.encodedFrame()
    let nodes = nodeCount(node)
    guard try Node(frame: frame) == node else {
        print("\(name): decoding the encoded node does not give it back")
        exit(1)
    }
    print("\(name): \(frame.count) bytes, \(nodes) nodes")

    var sink = 0  // keeps the optimiser from dropping the work
    if only == nil || only == "encode" {
        let rate = try iterationsPerSecond(seconds: seconds) { sink &+= try node.encodedFrame().count }
        report("  encode", bytes: frame.count, nodes: nodes, rate: rate)
    }
    if only == nil || only == "decode" {
        let rate = try iterationsPerSecond(seconds: seconds) { sink &+= try Node(frame: frame).attributes.count }
        report("  decode", bytes: frame.count, nodes: nodes, rate: rate)
    }
    if only == nil || only == "lookup" {
        let rate = iterationsPerSecond(seconds: seconds) { sink &+= lookUpAttributes(node) }
        report("  lookup", bytes: frame.count, nodes: nodes, rate: rate)
    }
    if name == "ack.json", only == nil || only == "build" {
        let rate = iterationsPerSecond(seconds: seconds) { sink &+= rebuiltAck(node).attributes.count }
        report("  build", bytes: frame.count, nodes: nodes, rate: rate)
    }
    if sink == 42 { print("") }
}
