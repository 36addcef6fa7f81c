/// What `WebhookDispatcher.run` knows between two looks at the outbox.
struct WebhookDispatchState {
    /// Sessions whose worker is posting their rows.
    var busy: Set<String> = []
    /// Sessions that queued a row since the last look.
    var queued: Set<String> = []
    /// The next look must read the outbox (a worker ended, a head fell due, a requeue).
    var rescan = true
}
