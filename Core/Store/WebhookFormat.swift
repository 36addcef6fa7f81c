/// How a session's webhook deliveries are encoded: WaGo's form (fields `token` and
/// `jsonData`), or the same `{"type":...,"event":...}` object as a JSON body.
public enum WebhookFormat: String, Sendable, CaseIterable {
    case form
    case json
}
