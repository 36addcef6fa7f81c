/// Takes every event as the whole webhook body (`{"event":…,"type":…}` and extras such as
/// `state`): the webhook outbox. Taking means storing: a taker that throws did not store the
/// event, and whoever reported it must not consider it delivered.
protocol EventPayloadSubscriber: Sendable {
    /// For emitters that can suspend (the WhatsApp clients' events).
    /// - Parameter eventID: the event's stable id when it has one (`WebhookEventID.message`), else nil.
    func take(session: String, type: String, payload: String, eventID: String?) async throws

    /// For the plugin ABI's synchronous `emit_event`, which may run on a cooperative thread:
    /// must not suspend, nor wait on anything that needs the cooperative pool.
    func takeSynchronously(session: String, type: String, payload: String) throws
}
