import Foundation
import Hummingbird
import Synchronization
import WagoPluginABI

/// What a plugin answered through one of the host's respond_* functions.
enum PluginReply: Sendable {
    case json(status: HTTPResponse.Status, data: [UInt8])
    case error(APIError)
    case raw(status: HTTPResponse.Status, contentType: String, body: [UInt8])

    var response: Response {
        switch self {
        case .json(let status, let data):
            return Envelope.wrap(dataJSON: data, status: status)
        case .error(let error):
            return Envelope.failure(error)
        case .raw(let status, let contentType, let body):
            return Response(
                status: status, headers: [.contentType: contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}

/// One request's answer as it travels from the plugin to the waiting HTTP handler. Most
/// plugins answer before their handler returns; `reply()` then takes the answer without
/// suspending, which saves a trip through the task executor on every request.
final class PendingReply: Sendable {
    private enum State {
        case waiting
        case answered(PluginReply)
        case suspended(UnsafeContinuation<PluginReply, Never>)
        case done
    }

    private let state = Mutex(State.waiting)

    func deliver(_ reply: PluginReply) {
        let continuation: UnsafeContinuation<PluginReply, Never>? = state.withLock { state in
            switch state {
            case .waiting:
                state = .answered(reply)
                return nil
            case .suspended(let continuation):
                state = .done
                return continuation
            case .answered, .done:
                return nil
            }
        }
        continuation?.resume(returning: reply)
    }

    /// The answer, waiting for it only when the plugin has not given it yet.
    func reply() async -> PluginReply {
        if let ready = state.withLock({ state -> PluginReply? in
            guard case .answered(let reply) = state else { return nil }
            state = .done
            return reply
        }) {
            return ready
        }
        return await withUnsafeContinuation { continuation in
            let ready: PluginReply? = state.withLock { state in
                if case .answered(let reply) = state {
                    state = .done
                    return reply
                }
                state = .suspended(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

/// The requests waiting for a plugin's answer. A `wago_responder *` is a handle into this
/// table, never a pointer to memory, so a second answer or an answer after the timeout is
/// detected (WAGO_ERR_ALREADY_DONE) instead of touching freed memory. One table serves the
/// process, because respond_* take no host argument.
final class ResponderTable: Sendable {
    static let shared = ResponderTable()

    private struct Waiting {
        let reply: PendingReply
        let deadline: ContinuousClock.Instant
        let plugin: String
    }

    private struct State {
        var nextHandle: UInt = 1
        var waiting: [UInt: Waiting] = [:]
    }

    private let state = Mutex(State())

    func open(plugin: String, timeout: Duration, reply: PendingReply) -> OpaquePointer {
        let deadline = ContinuousClock.now + timeout
        let handle = state.withLock { state in
            let handle = state.nextHandle
            state.nextHandle += 1
            state.waiting[handle] = Waiting(reply: reply, deadline: deadline, plugin: plugin)
            return handle
        }
        return OpaquePointer(bitPattern: handle)!
    }

    /// Delivers `reply` to the waiting request; WAGO_ERR_ALREADY_DONE when there is none.
    func answer(_ responder: OpaquePointer?, with reply: PluginReply) -> wago_status {
        let handle = UInt(bitPattern: responder.map { Int(bitPattern: $0) } ?? 0)
        guard let waiting = state.withLock({ $0.waiting.removeValue(forKey: handle) }) else {
            return wago_status(WAGO_ERR_ALREADY_DONE)
        }
        waiting.reply.deliver(reply)
        return wago_status(WAGO_OK)
    }

    /// Answers 504 to every request whose plugin is past the deadline.
    func expire(now: ContinuousClock.Instant = .now) {
        let expired = state.withLock { state in
            let handles = state.waiting.filter { $0.value.deadline <= now }
            for handle in handles.keys { state.waiting[handle] = nil }
            return handles.values
        }
        for waiting in expired {
            waiting.reply.deliver(.error(APIError(.gatewayTimeout, "plugin \(waiting.plugin) did not answer in time")))
        }
    }
}
