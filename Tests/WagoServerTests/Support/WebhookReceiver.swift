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

    /// Starts listening on `port` (0 picks a free one) and returns once it accepts connections.
    init(port: Int = 0, status: Int = 200) async throws {
        let state = State(status: status)
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
        server = Task { try await app.runService() }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), bound != 0 else {
            server.cancel()
            throw ReceiverDidNotStart()
        }
        self.port = bound
        self.state = state
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

    struct ReceiverDidNotStart: Error {}
}
