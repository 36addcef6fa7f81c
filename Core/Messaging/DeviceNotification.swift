import Foundation
import WABinary

/// `<notification type=devices>`: the server tells an account's own devices and its peers that
/// a device linked or unlinked, with the hash of the new device list (whatsmeow's
/// `handleDeviceNotification`), so their cached device lists stay right.
public struct DeviceNotification: Sendable, Equatable {
    public enum Change: String, Sendable {
        case add, remove, update
    }

    /// The account whose devices changed.
    public var user: JID
    public var change: Change
    /// The device that linked or unlinked.
    public var device: JID
    /// `ParticipantHash` of the account's device list after the change.
    public var deviceHash: String
    /// The same change by LID, when the server gives it: the account's LID (`lid`), the
    /// device as a LID (`<device lid>`) and the hash of the LID device list (`device_lid_hash`).
    public var lid: JID?
    public var lidDevice: JID?
    public var lidDeviceHash: String?

    public init(
        user: JID, change: Change, device: JID, deviceHash: String, lid: JID? = nil, lidDevice: JID? = nil,
        lidDeviceHash: String? = nil
    ) {
        self.user = user
        self.change = change
        self.device = device
        self.deviceHash = deviceHash
        self.lid = lid
        self.lidDevice = lidDevice
        self.lidDeviceHash = lidDeviceHash
    }

    /// Reads a notification; nil when `node` is not a devices notification.
    /// - Throws: `MessagingError.malformed` for a devices notification without its parts.
    public init?(_ node: Node) throws(MessagingError) {
        guard node.tag == "notification", node["type"]?.description == "devices" else { return nil }
        guard let user = node["from"]?.jid else { throw .malformed("devices notification without from") }
        guard let child = node.children.first, let change = Change(rawValue: child.tag) else {
            throw .malformed("devices notification without add, remove or update")
        }
        guard let device = child.child(tagged: "device")?["jid"]?.jid ?? (change == .update ? user : nil) else {
            throw .malformed("devices notification without a device jid")
        }
        self.init(
            user: user.nonAD, change: change, device: device, deviceHash: child["device_hash"]?.description ?? "",
            lid: node["lid"]?.jid?.nonAD, lidDevice: child.child(tagged: "device")?["lid"]?.jid,
            lidDeviceHash: child["device_lid_hash"]?.description)
    }

    /// `<notification from=<user> [lid] id t type=devices><add|remove device_hash [device_lid_hash]><device jid [lid]/></…>`.
    public func node(id: String, now: Date = Date()) -> Node {
        var attributes: Attributes = [
            "from": .jid(user.nonAD), "id": .string(id), "t": .string(String(Int64(now.timeIntervalSince1970))),
            "type": "devices",
        ]
        if let lid { attributes["lid"] = .jid(lid.nonAD) }
        var changeAttributes: Attributes = ["device_hash": .string(deviceHash)]
        if let lidDeviceHash { changeAttributes["device_lid_hash"] = .string(lidDeviceHash) }
        var deviceAttributes: Attributes = ["jid": .jid(device)]
        if let lidDevice { deviceAttributes["lid"] = .jid(lidDevice) }
        return Node(
            tag: "notification", attributes: attributes,
            content: .nodes([
                Node(
                    tag: change.rawValue, attributes: changeAttributes,
                    content: .nodes([Node(tag: "device", attributes: deviceAttributes)]))
            ]))
    }
}
