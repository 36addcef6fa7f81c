// The cost of the plugin ABI hop: the same tiny answer served three ways, in-process through
// the router (no sockets, so the hop is not lost in network noise):
//   core      GET /server/ok              a core route
//   plugin    GET /hello-c/ping           plugin-template's C plugin, through the C ABI
//   baseline  GET /hello-c/ping           a plain Hummingbird closure answering the plugin's
//                                         exact bytes: plugin - baseline = the hop
// Usage: GatewayBenchmark PATH/libhello_c.so [requests]
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import WagoServer

let arguments = CommandLine.arguments
guard arguments.count > 1 else {
    print("usage: GatewayBenchmark PATH/libhello_c.so [requests]  (plugin-template/build.sh builds it)")
    exit(2)
}
let requests = arguments.count > 2 ? Int(arguments[2]) ?? 100_000 : 100_000

var logger = Logger(label: "bench")
logger.logLevel = .critical
let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-bench-\(UUID().uuidString)")
let gateway = try Gateway(
    settings: GatewaySettings(adminToken: "bench", dataDirectory: dataDirectory, pluginsDirectory: dataDirectory),
    logger: logger, pluginFiles: [arguments[1]])
guard gateway.plugins.refused.isEmpty else {
    print("plugin refused: \(gateway.plugins.refused)")
    exit(1)
}

let pluginAnswer = #"{"code":200,"data":{"Pong":true},"success":true}"#
let baselineRouter = Router()
baselineRouter.get("/hello-c/ping") { _, _ in
    Response(
        status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: pluginAnswer)))
}

/// Sequential requests: per-request latency percentiles and the rate of one caller.
func measure(_ name: String, _ uri: String, _ client: some TestClientProtocol) async throws -> Double {
    for _ in 0..<2_000 { _ = try await client.execute(uri: uri, method: .get) { $0.status } }
    var samples: [Duration] = []
    samples.reserveCapacity(requests)
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<requests {
        let begin = clock.now
        let status = try await client.execute(uri: uri, method: .get) { $0.status }
        samples.append(clock.now - begin)
        precondition(status == .ok, "\(uri) answered \(status)")
    }
    let total = clock.now - start
    samples.sort()
    func micros(_ d: Duration) -> Double { Double(d.components.attoseconds) / 1e12 + Double(d.components.seconds) * 1e6 }
    let mean = micros(total) / Double(requests)
    print(String(
        format: "%-9@ %-18@ %9.0f req/s  mean %6.2f µs  p50 %6.2f µs  p99 %6.2f µs",
        name as NSString, uri as NSString, Double(requests) / (micros(total) / 1e6), mean,
        micros(samples[requests / 2]), micros(samples[requests * 99 / 100])))
    return mean
}

print("\(requests) sequential in-process requests each")
var plugin = 0.0
var baseline = 0.0
try await gateway.application().test(.router) { client in
    _ = try await measure("core", "/server/ok", client)
    plugin = try await measure("plugin", "/hello-c/ping", client)
}
try await Application(router: baselineRouter, logger: logger).test(.router) { client in
    baseline = try await measure("baseline", "/hello-c/ping", client)
}
print(String(format: "plugin hop: %.2f µs per request (plugin mean - baseline mean)", plugin - baseline))
try? FileManager.default.removeItem(at: dataDirectory)
