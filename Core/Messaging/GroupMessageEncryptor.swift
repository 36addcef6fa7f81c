import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WASignal

/// Builds the `<message>` stanza of a group message (whatsmeow's `sendGroup`): the message
/// once, encrypted with our sender key (`<enc type=skmsg>`), and our SenderKeyDistributionMessage
/// encrypted on the 1:1 session of each device that does not hold our key yet.
public struct GroupMessageEncryptor: Sendable {
    /// A built group stanza and the devices it gives our sender key to.
    public struct Stanza: Sendable {
        public var node: Node
        /// Record them as holders once the server took the message.
        public var distributedTo: [JID]
    }

    let store: any SignalProtocolStore & SignalSenderKeyStore
    let devices: MessageEncryptor

    /// - Parameter lids: which 1:1 session each device's copy of our sender key goes on.
    public init(
        store: any SignalProtocolStore & SignalSenderKeyStore,
        fetchBundles: @escaping @Sendable ([JID]) async throws -> [JID: PreKeyBundle], lids: LIDEncryption = LIDEncryption()
    ) {
        self.store = store
        devices = MessageEncryptor(store: store, fetchBundles: fetchBundles, lids: lids)
    }

    /// - Parameters:
    ///   - group: the `@g.us` chat.
    ///   - sender: this device.
    ///   - participantDevices: every device of every participant, ours included (from usync).
    ///   - holders: devices that hold our sender key already; they get no distribution message.
    ///   - deviceIdentity: our ADVSignedDeviceIdentity without the account key, sent with prekey messages.
    ///   - addressingMode: the group's (`GroupMetadata.addressingMode`), for `addressed(_:mode:)`.
    public func stanza(
        for message: WAE2E_Message, id: String, group: JID, sender: JID, participantDevices: [JID],
        holders: Set<JID>, deviceIdentity: [UInt8]?, addressingMode: String = ""
    ) async throws -> Stanza {
        let cipher = GroupCipher(store: store, name: Self.senderKeyName(group: group, sender: sender))
        let distribution = try await cipher.distributionMessage()
        let skmsg = try await cipher.encrypt(MessagePadding.pad(try message.serializedBytes()))
        var distributionMessage = WAE2E_Message()
        distributionMessage.senderKeyDistributionMessage = Self.distribution(distribution, group: group)
        let plaintext: [UInt8] = try distributionMessage.serializedBytes()
        let lacking = participantDevices.filter { $0 != sender && !holders.contains($0) }
        let encrypted = try await devices.participants(lacking, encAttributes: ["v": "2"]) { _ in plaintext }

        var encAttributes = MessageAttributes.encAttributes(of: message)
        encAttributes["type"] = "skmsg"
        var children: [Node] = []
        if !encrypted.nodes.isEmpty { children.append(Node(tag: "participants", content: .nodes(encrypted.nodes))) }
        children.append(Node(tag: "enc", attributes: encAttributes, content: .bytes(skmsg.serialized)))
        if encrypted.anyPreKeyMessage, let deviceIdentity {
            children.append(Node(tag: "device-identity", content: .bytes(deviceIdentity)))
        }
        children += MessageAttributes.trailingNodes(of: message, to: group)
        var attributes = MessageAttributes.stanza(id: id, to: group, message: message)
        attributes["phash"] = .string(ParticipantHash.of(participantDevices))
        return Stanza(
            node: Self.addressed(Node(tag: "message", attributes: attributes, content: .nodes(children)), mode: addressingMode),
            distributedTo: encrypted.nodes.compactMap { $0["jid"]?.jid })
    }

    /// The message again for `devices` only, each copy on its 1:1 session and carrying our
    /// sender key: for devices the server says our lists missed, and for retry receipts.
    /// - Parameters:
    ///   - participantDevices: every device of the group as we now know them (for `phash`).
    ///   - addressingMode: the group's, as for `stanza`.
    public func resend(
        _ message: WAE2E_Message, id: String, group: JID, sender: JID, to devices: [JID], participantDevices: [JID],
        deviceIdentity: [UInt8]?, addressingMode: String = ""
    ) async throws -> Stanza {
        let cipher = GroupCipher(store: store, name: Self.senderKeyName(group: group, sender: sender))
        var withKey = message
        withKey.senderKeyDistributionMessage = Self.distribution(try await cipher.distributionMessage(), group: group)
        let plaintext: [UInt8] = try withKey.serializedBytes()
        let encrypted = try await self.devices.participants(
            devices, encAttributes: MessageAttributes.encAttributes(of: message)
        ) { _ in plaintext }
        guard !encrypted.nodes.isEmpty else { throw MessagingError.noBundle(devices.map(\.description).joined(separator: ",")) }
        var children = [Node(tag: "participants", content: .nodes(encrypted.nodes))]
        if encrypted.anyPreKeyMessage, let deviceIdentity {
            children.append(Node(tag: "device-identity", content: .bytes(deviceIdentity)))
        }
        var attributes = MessageAttributes.stanza(id: id, to: group, message: message)
        attributes["phash"] = .string(ParticipantHash.of(participantDevices))
        return Stanza(
            node: Self.addressed(Node(tag: "message", attributes: attributes, content: .nodes(children)), mode: addressingMode),
            distributedTo: encrypted.nodes.compactMap { $0["jid"]?.jid })
    }

    /// `stanza` with `addressing_mode=lid` in a LID-addressed group, as whatsmeow's `SendMessage`
    /// marks those (its `prepareMessageNode`): the server then takes the participants as LIDs.
    /// A phone-number group's stanza carries no `addressing_mode`; `phash` is the same in both.
    static func addressed(_ stanza: Node, mode: String) -> Node {
        guard mode == "lid" else { return stanza }
        var stanza = stanza
        stanza.attributes["addressing_mode"] = .string(mode)
        return stanza
    }

    /// The record name of `sender`'s key in `group`: the group JID and the device's address.
    public static func senderKeyName(group: JID, sender: JID) -> SenderKeyName {
        SenderKeyName(groupID: group.nonAD.description, sender: sender.signalAddress)
    }

    private static func distribution(_ message: SenderKeyDistributionMessage, group: JID) -> WAE2E_SenderKeyDistributionMessage {
        var proto = WAE2E_SenderKeyDistributionMessage()
        proto.groupID = group.nonAD.description
        proto.axolotlSenderKeyDistributionMessage = Data(message.serialized)
        return proto
    }
}
