/// `events.LoggedOut`: the phone unlinked this device.
public struct LoggedOut: Sendable, Hashable, GoJSONEncodable {
    /// True when a `<failure>` at login said so, false for a `stream:error` while connected.
    public var onConnect: Bool
    /// The `ConnectFailureReason` number (401 logged out, 403 main device gone, 406 unknown).
    public var reason: Int

    public init(onConnect: Bool, reason: Int) {
        self.onConnect = onConnect
        self.reason = reason
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("OnConnect", onConnect)
            try writer.field("Reason", reason)
        }
    }
}
