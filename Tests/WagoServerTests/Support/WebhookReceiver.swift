import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A webhook receiver on 127.0.0.1: records every POST to `/hook` and answers `status`.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let headers: HTTPFields
        let body: Data
        /// What the receiver answered.
        let status: Int

        func header(_ name: String) -> String? {
            HTTPField.Name(name).flatMap { headers[$0] }
        }
    }

    /// What was received and what to answer, shared with the route handler.
    private final class State: Sendable {
        let value: Mutex<(received: [Received], status: Int)>
        init(status: Int) { value = Mutex(([], status)) }
    }

    let port: Int
    private let server: Task<Void, any Error>
    private let state: State

    /// Starts listening and returns once it accepts connections.
    /// - Parameter port: nil picks a free port below Linux's ephemeral range (32768 on), which
    ///   nothing else takes while the receiver is stopped: the kernel hands those ports out to
    ///   listeners on port 0 and to outgoing connections, so a test that stops its receiver
    ///   and starts one again on the same port could find it taken.
    /// - Throws: `ReceiverDidNotStart` when the port cannot be bound.
    init(port: Int? = nil, status: Int = 200) async throws {
        let state = State(status: status)
        if let port {
            (self.port, server) = try await Self.listen(on: port, state: state)
        } else {
            (self.port, server) = try await Self.listenOnAFreePort(state: state)
        }
        self.state = state
    }

    /// Listens on a random port of `20_000..<32_768`, another one while taken.
    private static func listenOnAFreePort(state: State) async throws -> (port: Int, server: Task<Void, any Error>) {
        for _ in 1..<20 {
            if let started = try? await listen(on: Int.random(in: 20_000..<32_768), state: state) { return started }
        }
        return try await listen(on: Int.random(in: 20_000..<32_768), state: state)
    }

    private static func listen(on port: Int, state: State) async throws -> (port: Int, server: Task<Void, any Error>) {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 << 20)
            let status = state.value.withLock { state in
                state.received.append(Received(headers: request.headers, body: Data(buffer: body), status: state.status))
                return state.status
            }
            return Response(status: HTTPResponse.Status(code: status))
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "wago.test.receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }, logger: logger)
        // A server that cannot bind ends without running: the stream ends with it.
        let server = Task {
            defer { portContinuation.finish() }
            try await app.runService()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound != 0 else {
            server.cancel()
            throw ReceiverDidNotStart(port: port, cause: await server.result)
        }
        return (bound, server)
    }

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var received: [Received] { state.value.withLock { $0.received } }

    /// What later requests are answered.
    func answer(_ status: Int) {
        state.value.withLock { $0.status = status }
    }

    /// Stops listening; the port refuses connections until a new receiver takes it.
    func stop() async {
        server.cancel()
        _ = await server.result
    }

    struct ReceiverDidNotStart: Error {
        let port: Int
        let cause: Result<Void, any Error>
    }
}
