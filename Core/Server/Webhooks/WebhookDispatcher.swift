import Foundation
import Logging
import Synchronization
import WagoPluginKit
import WagoStore

/// Webhook delivery: queues each session event its session subscribed to in the outbox (one
/// INSERT awaited by the emitter, never waiting on HTTP) and, in `run`, posts the due rows.
/// Up to `maxInFlight` sessions have a worker at once, which posts its session's rows one
/// after the other over a kept-alive connection, so a session's events arrive in order.
/// Failures are retried with exponential backoff and full jitter, then dead-lettered. Rows
/// leave the outbox only once a receiver accepted them, so a restart loses nothing; posts
/// accepted in a batch cut short by a crash are made again (receivers dedupe on
/// `X-Wago-Event-Id`).
final class WebhookDispatcher: EventPayloadSubscriber {
    let outbox: WebhookOutbox
    private let sessions: SessionRegistry
    private let client: WebhookHTTPClient
    /// Downloads the media files of sessions that forward them; nil forwards none.
    private let media: WebhookMediaFetcher?
    private let settings: WebhookDeliverySettings
    private let logger: Logger
    /// Which sessions have a worker, and whether the outbox must be read again.
    private let state = Mutex(WebhookDispatchState())
    /// Wakes `run` when a row was queued or a worker ended; nil while `run` is not running.
    private let wakeUp = Mutex<AsyncStream<Void>.Continuation?>(nil)

    init(
        outbox: WebhookOutbox, sessions: SessionRegistry, urlPolicy: OutboundURLPolicy,
        settings: WebhookDeliverySettings, logger: Logger, media: WebhookMediaFetcher? = nil
    ) throws {
        self.outbox = outbox
        self.media = media
        self.sessions = sessions
        self.settings = settings
        self.logger = logger
        client = try WebhookHTTPClient(
            urlPolicy: urlPolicy, connectTimeout: settings.connectTimeout, requestTimeout: settings.requestTimeout,
            maxIdle: settings.maxInFlight)
    }

    /// The event bus's payload subscriber: queues `payload` (the body WaGo posts,
    /// `{"event":…,"type":…}` and extras) when the session has a webhook and subscribed to
    /// `type`. Like wuzapi, an empty `Subscribe` list sends nothing; "All" sends every type.
    /// `eventID` names the delivery (nil: a random id); an event accepted twice under one id
    /// is queued once. These are the core's events, whose JSON `GoJSONWriter` wrote: valid by
    /// construction, so not checked again (plugins' are, in `takeSynchronously`).
    /// - Throws: the store's error when the row could not be written: the event is not queued,
    ///   so whoever reported it must not consider it delivered (the client does not ack it).
    func take(session id: String, type: String, payload: String, eventID: String?) async throws {
        guard isQueued(session: id, type: type) else { return }
        do {
            try await outbox.enqueue(session: id, type: type, payload: payload, id: eventID)
        } catch {
            logger.error("could not queue a webhook delivery", metadata: ["session": "\(id)", "error": "\(error)"])
            throw error
        }
        queued(session: id)
    }

    /// `take` for a plugin's `emit_event`: the row is committed through the writer connection
    /// before this returns, without suspending. A plugin's event JSON is not checked on emit,
    /// and a receiver must never get a body that does not parse: one that does not is dropped.
    func takeSynchronously(session id: String, type: String, payload: String) throws {
        guard isQueued(session: id, type: type) else { return }
        guard JSONScanner.isValid(payload) else {
            logger.error(
                "dropped an event whose JSON does not parse", metadata: ["session": "\(id)", "type": "\(type)"])
            return
        }
        do {
            try outbox.enqueueSynchronously(session: id, type: type, payload: payload)
        } catch {
            logger.error("could not queue a webhook delivery", metadata: ["session": "\(id)", "error": "\(error)"])
            throw error
        }
        queued(session: id)
    }

    /// Whether an event of `type` goes to the session's webhook.
    private func isQueued(session id: String, type: String) -> Bool {
        guard let session = sessions.session(id: id), !session.webhookURL.isEmpty else { return false }
        return session.subscribe.contains(type) || session.subscribe.contains("All")
    }

    /// Wakes `run` for a row the session queued.
    private func queued(session id: String) {
        state.withLock { _ = $0.queued.insert(id) }
        _ = wakeUp.withLock { $0?.yield() }
    }

    /// Makes `run` look at the outbox again (after a requeue, say).
    func wake() {
        state.withLock { $0.rescan = true }
        _ = wakeUp.withLock { $0?.yield() }
    }

    /// Posts due deliveries until the task is cancelled. Call it once.
    func run() async {
        let (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp.withLock { $0 = continuation }
        defer { wakeUp.withLock { $0 = nil } }
        var wakeUps = signals.makeAsyncIterator()
        await withDiscardingTaskGroup { group in
            var nextDue = Date()
            while !Task.isCancelled {
                if nextDue <= Date() { state.withLock { $0.rescan = true } }
                nextDue = await startDueSessions(in: &group, nextDue: nextDue)
                let due = nextDue
                let timer = Task {
                    try await Task.sleep(for: .seconds(max(due.timeIntervalSinceNow, 0)))
                    continuation.yield()
                }
                _ = await wakeUps.next()
                timer.cancel()
            }
        }
    }

    /// Starts a worker for each idle session whose head is due, within `maxInFlight`, and
    /// returns when the next head falls due (at most a minute away, so a missed wake-up costs
    /// little). Skips reading the outbox when only busy sessions queued rows since the last
    /// look: their workers read on until their rows run out, and a worker's end forces a look.
    private func startDueSessions(in group: inout DiscardingTaskGroup, nextDue previous: Date) async -> Date {
        // Taken before reading: a session whose worker ends after the read shows a stale
        // head, which must not be sent again. Only this loop adds to `busy`.
        let busyBefore: Set<String>? = state.withLock { state in
            defer { state.queued = [] }
            guard state.rescan || !state.queued.isSubset(of: state.busy) else { return nil }
            state.rescan = false
            return state.busy
        }
        guard let busyBefore else { return previous }
        let now = Date()
        var nextDue = now.addingTimeInterval(60)
        let heads: [WebhookDelivery]
        do {
            heads = try await outbox.heads()
        } catch {
            logger.error("cannot read the webhook outbox", metadata: ["error": "\(error)"])
            state.withLock { $0.rescan = true }
            return now.addingTimeInterval(1)
        }
        for head in heads where !busyBefore.contains(head.session) {
            guard head.nextAttemptAt <= now else {
                nextDue = min(nextDue, head.nextAttemptAt)
                continue
            }
            let started = state.withLock { state in
                guard state.busy.count < settings.maxInFlight else { return false }
                state.busy.insert(head.session)
                return true
            }
            guard started else { break }
            group.addTask {
                await self.deliverPending(of: head.session)
                self.state.withLock { state in
                    state.busy.remove(head.session)
                    state.rescan = true
                }
                self.wake()
            }
        }
        return nextDue
    }

    /// A session's worker: posts its pending rows one after the other, in order, reading them
    /// `batchSize` at a time, and removes the accepted ones in one transaction per batch (no
    /// database round trip between posts). Returns when the session has nothing due left, or
    /// at the first failure, which is recorded for a retry with backoff (or dead-lettered).
    private func deliverPending(of session: String) async {
        while !Task.isCancelled {
            let batch: [(delivery: WebhookDelivery, payload: String)]
            do {
                batch = try await outbox.pending(session: session, limit: Self.batchSize)
            } catch {
                logger.error("cannot read webhook deliveries", metadata: ["session": "\(session)", "error": "\(error)"])
                return
            }
            guard let head = batch.first, head.delivery.nextAttemptAt <= Date() else { return }
            var accepted: [String] = []
            var failed: (delivery: WebhookDelivery, reason: String, retryable: Bool)?
            posting: for (index, (delivery, payload)) in batch.enumerated() {
                guard let record = sessions.session(id: session) else {
                    // The session was deleted (its rows normally go with it).
                    accepted += batch[index...].map(\.delivery.id)
                    break posting
                }
                switch await post(delivery, payload: payload, session: record) {
                case .success(let status) where (200..<300).contains(status):
                    accepted.append(delivery.id)
                case .success(let status):
                    failed = (delivery, "HTTP \(status)", Self.isRetryable(status: status))
                    break posting
                case .failure(.cancelled):
                    break posting
                case .failure(let error):
                    failed = (delivery, error.description, error.isRetryable)
                    break posting
                }
            }
            do {
                try await outbox.remove(ids: accepted)
            } catch {
                // Rows left behind are sent again later: stop rather than re-send them now.
                logger.error("cannot update the webhook outbox", metadata: ["error": "\(error)"])
                return
            }
            if let failed {
                await recordFailure(of: failed.delivery, reason: failed.reason, retryable: failed.retryable)
                return
            }
            guard accepted.count == batch.count else { return }
        }
    }

    /// Rows a session's worker reads at once: enough that a backlog costs one read per batch,
    /// few enough that a crash re-sends little (accepted rows go once their batch is done).
    static let batchSize = 64

    /// Bookkeeping of a failed attempt: a retry after a backoff, or a dead letter.
    private func recordFailure(of delivery: WebhookDelivery, reason: String, retryable: Bool) async {
        let attempts = delivery.attempts + 1
        let metadata: Logger.Metadata = [
            "session": "\(delivery.session)", "event": "\(delivery.id)", "type": "\(delivery.type)",
            "attempts": "\(attempts)", "error": "\(reason)",
        ]
        if retryable, attempts < settings.maxAttempts {
            var random = SystemRandomNumberGenerator()
            let wait = settings.backoff(afterFailures: attempts, using: &random)
            logger.info("webhook delivery failed; will retry", metadata: metadata.merging(["in": "\(wait)"]) { $1 })
            await record {
                try await outbox.markFailed(
                    id: delivery.id, attempts: attempts,
                    nextAttemptAt: Date().addingTimeInterval(wait / .seconds(1)), error: reason)
            }
        } else {
            logger.warning("webhook delivery is dead", metadata: metadata)
            await record { try await outbox.markDead(id: delivery.id, attempts: attempts, error: reason) }
        }
    }

    private func post(_ delivery: WebhookDelivery, payload: String, session: SessionRecord) async
        -> Result<Int, WebhookPostError>
    {
        guard let url = URL(string: session.webhookURL) else {
            return .failure(.refused("the session has no valid webhook URL"))
        }
        let file = await media?.file(for: delivery, payload: payload, session: session)
        let request = WebhookRequest(delivery: delivery, payload: payload, session: session, url: url, file: file)
        do {
            return .success(try await client.post(request))
        } catch {
            return .failure(error)
        }
    }

    private func record(_ update: () async throws -> Void) async {
        do {
            try await update()
        } catch {
            logger.error("cannot update the webhook outbox", metadata: ["error": "\(error)"])
        }
    }

    /// 2xx is success and is never asked. Like Evolution API's non-retryable codes, a 3xx or
    /// a 4xx says the request itself is unwelcome, so repeating it will not help; except 408
    /// (timeout) and 429 (slow down), which are the receiver's load speaking, as 5xx are.
    static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 429 || status >= 500
    }
}
