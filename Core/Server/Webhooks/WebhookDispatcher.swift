import Foundation
import Logging
import Synchronization
import WagoStore

/// Webhook delivery: queues each session event its session subscribed to in the outbox (one
/// INSERT awaited by the emitter, never waiting on HTTP) and, in `run`, posts the due rows.
/// Up to `maxInFlight` requests run at once, one per session, so a session's events arrive in
/// order. Failures are retried with exponential backoff and full jitter, then dead-lettered.
/// Rows leave the outbox only once a receiver accepted them, so a restart loses nothing; an
/// attempt cut short by a shutdown is made again (receivers dedupe on `X-Wago-Event-Id`).
final class WebhookDispatcher: Sendable {
    let outbox: WebhookOutbox
    private let sessions: SessionRegistry
    private let client: WebhookHTTPClient
    /// Downloads the media files of sessions that forward them; nil forwards none.
    private let media: WebhookMediaFetcher?
    private let settings: WebhookDeliverySettings
    private let logger: Logger
    /// Sessions with a request in flight.
    private let busy = Mutex<Set<String>>([])
    /// Wakes `run` when a row was queued or an attempt ended; nil while `run` is not running.
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
            urlPolicy: urlPolicy, connectTimeout: settings.connectTimeout, requestTimeout: settings.requestTimeout)
    }

    /// The event bus handler: queues `payload` (the body WaGo posts, `{"event":…,"type":…}`
    /// and extras) when the session has a webhook and subscribed to `type`. Like wuzapi, an
    /// empty `Subscribe` list sends nothing; "All" sends every type. `eventID` names the
    /// delivery (nil: a random id); an event accepted twice under one id is queued once.
    /// - Throws: the store's error when the row could not be written: the event is not queued,
    ///   so whoever reported it must not consider it delivered (the client does not ack it).
    func accept(session id: String, type: String, payload: String, eventID: String? = nil) async throws {
        guard let session = sessions.session(id: id), !session.webhookURL.isEmpty,
            session.subscribe.contains(type) || session.subscribe.contains("All")
        else { return }
        // A plugin's event JSON is not checked on emit; a receiver must never get a body that
        // does not parse.
        guard (try? JSONSerialization.jsonObject(with: Data(payload.utf8))) != nil else {
            logger.error(
                "dropped an event whose JSON does not parse", metadata: ["session": "\(id)", "type": "\(type)"])
            return
        }
        do {
            try await outbox.enqueue(session: id, type: type, payload: payload, id: eventID)
        } catch {
            logger.error("could not queue a webhook delivery", metadata: ["session": "\(id)", "error": "\(error)"])
            throw error
        }
        wake()
    }

    /// Makes `run` look at the outbox again (after a requeue, say).
    func wake() {
        _ = wakeUp.withLock { $0?.yield() }
    }

    /// Posts due deliveries until the task is cancelled. Call it once.
    func run() async {
        let (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        wakeUp.withLock { $0 = continuation }
        defer { wakeUp.withLock { $0 = nil } }
        var wakeUps = signals.makeAsyncIterator()
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let nextDue = await startDueDeliveries(in: &group)
                let timer = Task {
                    try await Task.sleep(for: .seconds(max(nextDue.timeIntervalSinceNow, 0)))
                    continuation.yield()
                }
                _ = await wakeUps.next()
                timer.cancel()
            }
        }
    }

    /// Starts the due head of each idle session, within `maxInFlight`, and returns when the
    /// next head falls due (at most a minute away, so a missed wake-up costs little).
    private func startDueDeliveries(in group: inout DiscardingTaskGroup) async -> Date {
        let now = Date()
        var nextDue = now.addingTimeInterval(60)
        // Taken before reading: a session whose attempt ends after the read shows a stale
        // head, which must not be sent again. Only this loop adds to `busy`.
        let busyBefore = busy.withLock { $0 }
        let heads: [WebhookDelivery]
        do {
            heads = try await outbox.heads()
        } catch {
            logger.error("cannot read the webhook outbox", metadata: ["error": "\(error)"])
            return now.addingTimeInterval(1)
        }
        for head in heads where !busyBefore.contains(head.session) {
            guard head.nextAttemptAt <= now else {
                nextDue = min(nextDue, head.nextAttemptAt)
                continue
            }
            let started = busy.withLock { busy in
                guard busy.count < settings.maxInFlight else { return false }
                busy.insert(head.session)
                return true
            }
            guard started else { break }
            group.addTask {
                await self.attempt(head)
                self.busy.withLock { _ = $0.remove(head.session) }
                self.wake()
            }
        }
        return nextDue
    }

    /// One attempt at `delivery`, and its bookkeeping.
    private func attempt(_ delivery: WebhookDelivery) async {
        let attempts = delivery.attempts + 1
        let outcome: Result<Int, WebhookPostError>
        do {
            guard let session = sessions.session(id: delivery.session),
                let payload = try await outbox.payload(id: delivery.id)
            else {
                // The session was deleted (its rows normally go with it).
                try await outbox.remove(id: delivery.id)
                return
            }
            outcome = await post(delivery, payload: payload, session: session)
        } catch {
            logger.error("cannot read a webhook delivery", metadata: ["event": "\(delivery.id)", "error": "\(error)"])
            return
        }
        let failure: (reason: String, retryable: Bool)
        switch outcome {
        case .success(let status) where (200..<300).contains(status):
            await record { try await outbox.remove(id: delivery.id) }
            return
        case .success(let status):
            failure = ("HTTP \(status)", Self.isRetryable(status: status))
        case .failure(.cancelled):
            return
        case .failure(let error):
            failure = (error.description, error.isRetryable)
        }
        let metadata: Logger.Metadata = [
            "session": "\(delivery.session)", "event": "\(delivery.id)", "type": "\(delivery.type)",
            "attempts": "\(attempts)", "error": "\(failure.reason)",
        ]
        if failure.retryable, attempts < settings.maxAttempts {
            var random = SystemRandomNumberGenerator()
            let wait = settings.backoff(afterFailures: attempts, using: &random)
            logger.info("webhook delivery failed; will retry", metadata: metadata.merging(["in": "\(wait)"]) { $1 })
            await record {
                try await outbox.markFailed(
                    id: delivery.id, attempts: attempts,
                    nextAttemptAt: Date().addingTimeInterval(wait / .seconds(1)), error: failure.reason)
            }
        } else {
            logger.warning("webhook delivery is dead", metadata: metadata)
            await record { try await outbox.markDead(id: delivery.id, attempts: attempts, error: failure.reason) }
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
