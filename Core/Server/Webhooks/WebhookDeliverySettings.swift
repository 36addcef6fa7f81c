/// How webhook deliveries are sent and retried.
public struct WebhookDeliverySettings: Sendable {
    /// Attempts per delivery, the first included; after the last failure it is dead.
    public var maxAttempts: Int
    /// The backoff ceiling after the first failure; it doubles with each failure up to
    /// `maxBackoff`, and the wait is drawn uniformly below it ("full jitter").
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    /// Requests in flight at once across all sessions (one per session at most).
    public var maxInFlight: Int
    public var connectTimeout: Duration
    /// The whole attempt: resolving, connecting, TLS, sending and the response head.
    public var requestTimeout: Duration

    public init(
        maxAttempts: Int = 12, initialBackoff: Duration = .seconds(1), maxBackoff: Duration = .seconds(600),
        maxInFlight: Int = 16, connectTimeout: Duration = .seconds(5), requestTimeout: Duration = .seconds(15)
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.maxInFlight = maxInFlight
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
    }

    /// The wait before attempt `failures + 1`: uniform in [0, min(maxBackoff, initial * 2^(failures-1))].
    /// Jitter spreads the retries of many sessions whose receiver failed at the same moment.
    func backoff(afterFailures failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = min(maxBackoff, initialBackoff * (1 << min(max(failures - 1, 0), 30)))
        let limit = min(max(ceiling / .nanoseconds(1), 0), Double(Int64.max >> 1))
        return .nanoseconds(Int64(Double.random(in: 0...limit, using: &generator)))
    }
}
