import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A webhook receiver on 127.0.0.1 that answers 200 at once and counts what arrives: every
/// delivery with its arrival time, and the distinct `X-Wago-Event-Id`s.
final class WebhookCounter: Sendable {
    struct DidNotStart: Error {}

    /// What arrived, shared with the route handler.
    private final class Tally: Sendable {
        struct Counts {
            var arrivals: [ContinuousClock.Instant] = []
            var eventIDs: Set<String> = []
        }

        let counts = Mutex(Counts())
    }

    let port: Int
    private let tally: Tally
    private let server: Task<Void, any Error>

    init() async throws {
        let tally = Tally()
        let router = Router()
        let eventIDHeader = HTTPField.Name("X-Wago-Event-Id")!
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            // Read the body as a receiver must before answering.
            _ = try await request.body.collect(upTo: 1 << 20)
            let now = ContinuousClock.now
            let eventID = request.headers[eventIDHeader] ?? ""
            tally.counts.withLock { counts in
                counts.arrivals.append(now)
                counts.eventIDs.insert(eventID)
            }
            return .ok
        }
        let (ports, bound) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "bench.webhook")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                bound.yield(channel.localAddress?.port ?? 0)
                bound.finish()
            }, logger: logger)
        server = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port != 0 else {
            server.cancel()
            throw DidNotStart()
        }
        self.port = port
        self.tally = tally
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// Deliveries so far, duplicates included.
    var deliveries: Int { tally.counts.withLock { $0.arrivals.count } }

    /// Distinct event ids so far.
    var distinctEvents: Int { tally.counts.withLock { $0.eventIDs.count } }

    /// Deliveries that arrived in `window`.
    func deliveries(in window: Range<ContinuousClock.Instant>) -> Int {
        tally.counts.withLock { $0.arrivals.count(where: { window.contains($0) }) }
    }

    /// When the last delivery arrived.
    var lastArrival: ContinuousClock.Instant? { tally.counts.withLock { $0.arrivals.last } }

    /// Waits until nothing arrived for `quiet`, then forgets what did: events queued before a
    /// phase (a slow run, under a profiler say, still delivers them) are not counted in it.
    func settle(quiet: Duration = .seconds(1)) async throws {
        while let last = lastArrival, ContinuousClock.now - last < quiet {
            try await Task.sleep(for: quiet)
        }
        try await Task.sleep(for: quiet)
        tally.counts.withLock { $0 = .init() }
    }
}
