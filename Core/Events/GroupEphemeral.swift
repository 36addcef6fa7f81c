/// `types.GroupEphemeral`: disappearing messages and their timer in seconds.
public struct GroupEphemeral: Sendable, Hashable, GoJSONEncodable {
    public var isEphemeral: Bool
    public var disappearingTimer: UInt32

    public init(isEphemeral: Bool, disappearingTimer: UInt32) {
        self.isEphemeral = isEphemeral
        self.disappearingTimer = disappearingTimer
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("IsEphemeral", isEphemeral)
            writer.field("DisappearingTimer")
            writer.unsignedInteger(UInt64(disappearingTimer))
        }
    }
}
