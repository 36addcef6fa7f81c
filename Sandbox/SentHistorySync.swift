/// A history blob a virtual phone sent a companion, as `GET /sandbox/historysync` lists it.
struct SentHistorySync: Encodable, Sendable, Equatable {
    /// The id of the peer message that announced it.
    var id: String
    var device: String
    /// `INITIAL_BOOTSTRAP` or `PUSH_NAME`.
    var syncType: String
    /// Whether the device sent its `hist_sync` receipt.
    var acknowledged: Bool

    enum CodingKeys: String, CodingKey {
        case id = "ID", device = "Device", syncType = "SyncType", acknowledged = "Acknowledged"
    }
}
