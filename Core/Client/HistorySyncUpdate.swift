import WAProto

/// A history blob our phone sent after linking: the decoded `HistorySync` and the
/// notification that announced it (whatsmeow's `events.HistorySync`).
public struct HistorySyncUpdate: Sendable {
    public var data: WAHistorySync_HistorySync
    public var notification: WAE2E_HistorySyncNotification

    public init(data: WAHistorySync_HistorySync, notification: WAE2E_HistorySyncNotification) {
        self.data = data
        self.notification = notification
    }
}
