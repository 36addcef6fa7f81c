import WagoStore

extension WebhookOutbox {
    /// The `jsonData` text of the pending delivery `id` of `session`, read (and opened) as the
    /// dispatcher reads it; nil when the row is gone.
    func payload(id: String, session: String = "s") async throws -> String? {
        try await pending(session: session, limit: .max).first { $0.delivery.id == id }?.payload
    }
}
