/// A Signal protocol address: a name and a device id, written "name:device" as libsignal does.
public struct SignalAddress: Hashable, Sendable, CustomStringConvertible {
    /// The user part ("15550001111", "<lid>_1", ...).
    public let name: String
    /// The device id (0 for a primary device).
    public let deviceID: UInt32

    /// An address from its parts; see `init(user:server:rawAgent:device:)` for JIDs.
    public init(name: String, deviceID: UInt32) {
        self.name = name
        self.deviceID = deviceID
    }

    public var description: String { "\(name):\(deviceID)" }
}

/// Names one group sender's sender-key record: the group id and the sender's address.
public struct SenderKeyName: Hashable, Sendable, CustomStringConvertible {
    /// The group JID as a string, e.g. "120363025246125486@g.us".
    public let groupID: String
    /// The sending device's address.
    public let sender: SignalAddress

    /// Names the record of `sender`'s sender key in `groupID`.
    public init(groupID: String, sender: SignalAddress) {
        self.groupID = groupID
        self.sender = sender
    }

    public var description: String { "\(groupID)::\(sender)" }
}
