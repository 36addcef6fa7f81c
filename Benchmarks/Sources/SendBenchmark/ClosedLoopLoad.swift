import NIOCore
import NIOHTTP1

/// Closed-loop load over keep-alive connections: each worker sends its next request as soon as
/// the last one answered. Requests that start after the warm-up and end within the measured
/// window count; the rest only warm up or drain.
struct ClosedLoopLoad {
    struct Request: Sendable {
        let method: HTTPMethod
        let uri: String
        let headers: [(String, String)]
        let json: String
    }

    struct Report {
        let window: Duration
        /// Answered 200 within the window, each with its latency.
        let latencies: [Duration]
        /// Answered otherwise within the window.
        let failures: Int
        let firstFailure: String?
        /// Answered 200 at any time, warm-up included: what the gateway has taken in.
        let accepted: Int

        var perSecond: Double { Double(latencies.count) / window.seconds }

        /// The latency below which `percent` of the requests answered, in milliseconds.
        func percentile(_ percent: Int) -> Double {
            let sorted = latencies.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted[min(sorted.count - 1, sorted.count * percent / 100)].seconds * 1000
        }
    }

    private struct WorkerTally: Sendable {
        var latencies: [Duration] = []
        var failures = 0
        var firstFailure: String?
        var accepted = 0
    }

    let port: Int
    let workers: Int
    let warmUp: Duration
    let duration: Duration

    /// Runs the load; `request(worker, sequence)` makes each worker's next request.
    func run(_ request: @escaping @Sendable (_ worker: Int, _ sequence: Int) -> Request) async throws -> Report {
        let measuredFrom = ContinuousClock.now + warmUp
        let measuredUntil = measuredFrom + duration
        return try await drive(counting: measuredFrom..<measuredUntil) { worker, sequence in
            ContinuousClock.now < measuredUntil ? request(worker, sequence) : nil
        }
    }

    /// Sends each of `requests` once, spread over the workers (worker `w` takes every
    /// `workers`-th from `w`), and reports all of them over the time they took.
    func run(_ requests: [Request]) async throws -> Report {
        let workers = self.workers
        return try await drive(counting: nil) { worker, sequence in
            let index = sequence * workers + worker
            return index < requests.count ? requests[index] : nil
        }
    }

    /// Each worker sends `next(worker, sequence)` until it gives nil; a request counts in the
    /// report when it began and ended within `window` (any request when there is none).
    private func drive(
        counting window: Range<ContinuousClock.Instant>?,
        _ next: @escaping @Sendable (_ worker: Int, _ sequence: Int) -> Request?
    ) async throws -> Report {
        let port = self.port
        let started = ContinuousClock.now
        let tallies = try await withThrowingTaskGroup(of: WorkerTally.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    try await HTTPConnection.with(port: port) { connection in
                        var tally = WorkerTally()
                        var sequence = 0
                        while let request = next(worker, sequence) {
                            sequence += 1
                            let began = ContinuousClock.now
                            let reply = try await connection.request(
                                request.method, request.uri, headers: request.headers, json: request.json)
                            let ended = ContinuousClock.now
                            if reply.status == 200 { tally.accepted += 1 }
                            if let window, !(window.contains(began) && ended <= window.upperBound) { continue }
                            if reply.status == 200 {
                                tally.latencies.append(ended - began)
                            } else {
                                tally.failures += 1
                                tally.firstFailure = tally.firstFailure ?? "\(reply.status) \(String(buffer: reply.body))"
                            }
                        }
                        return tally
                    }
                }
            }
            return try await group.reduce(into: [WorkerTally]()) { $0.append($1) }
        }
        return Report(
            window: window.map { $0.upperBound - $0.lowerBound } ?? (ContinuousClock.now - started),
            latencies: tallies.flatMap(\.latencies), failures: tallies.reduce(0) { $0 + $1.failures },
            firstFailure: tallies.lazy.compactMap(\.firstFailure).first, accepted: tallies.reduce(0) { $0 + $1.accepted })
    }
}
