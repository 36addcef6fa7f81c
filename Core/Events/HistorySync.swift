import WAProto

/// `events.HistorySync`: a history blob the phone sent, with the notification that announced it.
public struct HistorySync: Sendable, GoJSONEncodable {
    public var data: WAHistorySync_HistorySync?
    public var notification: WAE2E_HistorySyncNotification?

    public init(data: WAHistorySync_HistorySync?, notification: WAE2E_HistorySyncNotification?) {
        self.data = data
        self.notification = notification
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("Data", message: data)
            try writer.field("Notification", message: notification)
        }
    }
}
