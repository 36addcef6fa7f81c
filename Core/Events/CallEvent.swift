import WABinary

/// The whatsmeow call events WaGo posts as `Call`, each the `<call>` child node it came from
/// (`Data`) plus the fields of its Go struct.
public enum CallEvent: Sendable, Hashable, GoJSONEncodable {
    /// `events.CallOffer`: an incoming call.
    case offer(BasicCallMeta, CallRemoteMeta, data: Node?)
    /// `events.CallAccept`: the callee answered.
    case accept(BasicCallMeta, CallRemoteMeta, data: Node?)
    /// `events.CallTerminate`: the call ended; `reason` is the node's `reason` attribute.
    case terminate(BasicCallMeta, reason: String, data: Node?)
    /// `events.CallRelayLatency`: relay latency measurements.
    case relayLatency(BasicCallMeta, data: Node?)
    /// `events.CallOfferNotice`: a call offer announced without its details (e.g. groups);
    /// `media` is `audio` or `video`, `type` is `group` for group calls.
    case offerNotice(BasicCallMeta, media: String, type: String, data: Node?)

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            switch self {
            case .offer(let basic, let remote, let data), .accept(let basic, let remote, let data):
                try basic.encodeGoJSONFields(to: &writer)
                try remote.encodeGoJSONFields(to: &writer)
                try writer.field("Data", data)
            case .terminate(let basic, let reason, let data):
                try basic.encodeGoJSONFields(to: &writer)
                try writer.field("Reason", reason)
                try writer.field("Data", data)
            case .relayLatency(let basic, let data):
                try basic.encodeGoJSONFields(to: &writer)
                try writer.field("Data", data)
            case .offerNotice(let basic, let media, let type, let data):
                try basic.encodeGoJSONFields(to: &writer)
                try writer.field("Media", media)
                try writer.field("Type", type)
                try writer.field("Data", data)
            }
        }
    }
}
