import WagoPluginKit

/// The host's answer to `send_message`, `{"ID":"…","Timestamp":…}`, read with `JSONScanner`
/// rather than built whole by JSONSerialization: every send reads one.
struct SentMessageReply {
    let id: String
    /// Unix seconds; nil when the answer has no number there.
    let timestamp: Int64?

    /// Nil for an answer that is not a JSON object with a string `ID`.
    init?(json: String) {
        var (id, timestamp): (String?, Int64?) = (nil, nil)
        var scanner = JSONScanner(json)
        do {
            try scanner.readObjectDocument { key, value in
                switch key {
                case "ID": id = try? value.string()
                case "Timestamp": timestamp = try? value.int64()
                default: break
                }
            }
        } catch {
            return nil
        }
        guard let id else { return nil }
        (self.id, self.timestamp) = (id, timestamp)
    }
}
