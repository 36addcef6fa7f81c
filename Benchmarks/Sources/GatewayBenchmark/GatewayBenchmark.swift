// The cost of the plugin ABI hop. The same tiny answer is served three ways through the
// router's responder, in-process (no sockets, so the hop is not lost in network noise):
//   core      GET /server/ok       a core route
//   plugin    GET /hello-c/ping    plugin-template's C plugin, through the C ABI
//   baseline  GET /hello-c/ping    a plain Hummingbird closure answering the plugin's exact
//                                  bytes: plugin - baseline = what the ABI hop costs
// The three run in interleaved rounds so that load from other processes hits them alike.
// Usage: GatewayBenchmark PATH/libhello_c.so [requests per route]
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOEmbedded
import WagoServer

@main
enum GatewayBenchmark {
    static let pluginAnswer = #"{"code":200,"data":{"Pong":true},"success":true}"#
    static let rounds = 20

    static func main() async throws {
        let arguments = CommandLine.arguments
        guard arguments.count > 1 else {
            print("usage: GatewayBenchmark PATH/libhello_c.so [requests]  (plugin-template/build.sh builds it)")
            exit(2)
        }
        let requests = arguments.count > 2 ? Int(arguments[2]) ?? 200_000 : 200_000
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("wago-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dataDirectory) }
        let gateway = try Gateway(
            settings: GatewaySettings(adminToken: "bench", dataDirectory: dataDirectory, pluginsDirectory: dataDirectory),
            logger: logger, pluginFiles: [arguments[1]])
        guard gateway.plugins.refused.isEmpty else {
            print("plugin refused: \(gateway.plugins.refused)")
            exit(1)
        }
        let baselineRouter = Router()
        baselineRouter.get("/hello-c/ping") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: pluginAnswer)))
        }
        let context = BasicRequestContext(source: .init(channel: EmbeddedChannel(), logger: logger))
        let cases: [(name: String, path: String, responder: any HTTPResponder<BasicRequestContext>)] = [
            ("core", "/server/ok", gateway.responder),
            ("plugin", "/hello-c/ping", gateway.responder),
            ("baseline", "/hello-c/ping", baselineRouter.buildResponder()),
        ]
        var samples = Array(repeating: [Double](), count: cases.count)
        for (index, test) in cases.enumerated() {  // warm-up
            _ = try await run(test.responder, test.path, context, count: 5_000)
            samples[index].reserveCapacity(requests)
        }
        for _ in 0..<rounds {
            for (index, test) in cases.enumerated() {
                samples[index] += try await run(test.responder, test.path, context, count: requests / rounds)
            }
        }
        print("\(requests) requests per route, \(rounds) interleaved rounds, one caller")
        var means: [Double] = []
        for (index, test) in cases.enumerated() {
            let sorted = samples[index].sorted()
            let mean = sorted.reduce(0, +) / Double(sorted.count)
            means.append(mean)
            print(String(
                format: "%-9@ %-14@ %8.0f req/s  mean %6.2f µs  p50 %6.2f µs  p99 %6.2f µs",
                test.name as NSString, test.path as NSString, 1e6 / mean, mean,
                sorted[sorted.count / 2], sorted[sorted.count * 99 / 100]))
        }
        print(String(format: "plugin hop: %.2f µs per request (plugin mean - baseline mean)", means[1] - means[2]))
    }

    /// Microseconds of each of `count` sequential requests.
    static func run(
        _ responder: any HTTPResponder<BasicRequestContext>, _ path: String, _ context: BasicRequestContext, count: Int
    ) async throws -> [Double] {
        let clock = ContinuousClock()
        var samples: [Double] = []
        samples.reserveCapacity(count)
        for _ in 0..<count {
            let request = Request(
                head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: path),
                body: RequestBody(buffer: ByteBuffer()))
            let start = clock.now
            let response = try await responder.respond(to: request, context: context)
            let elapsed = clock.now - start
            precondition(response.status == .ok, "\(path) answered \(response.status)")
            samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
        }
        return samples
    }
}
