/// `events.UndecryptableMessage`: a message that could not be decrypted, or that was not sent
/// to this device at all (`<unavailable>`).
public struct UndecryptableMessage: Sendable, Hashable, GoJSONEncodable {
    public var info: MessageInfo
    public var isUnavailable: Bool
    /// `""`, or `view_once` for view-once media companions never get.
    public var unavailableType: String
    /// `""`, or `hide` when `<enc decrypt-fail="hide">`.
    public var decryptFailMode: String

    public init(info: MessageInfo, isUnavailable: Bool, unavailableType: String = "", decryptFailMode: String = "") {
        self.info = info
        self.isUnavailable = isUnavailable
        self.unavailableType = unavailableType
        self.decryptFailMode = decryptFailMode
    }

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("Info", info)
            try writer.field("IsUnavailable", isUnavailable)
            try writer.field("UnavailableType", unavailableType)
            try writer.field("DecryptFailMode", decryptFailMode)
        }
    }
}
