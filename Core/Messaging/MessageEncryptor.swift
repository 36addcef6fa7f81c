import SwiftProtobuf
import WABinary
import WAProto
import WASignal

/// Builds the `<message>` stanza of a 1:1 message: the message encrypted for every device of
/// the recipient, and wrapped as a `DeviceSentMessage` for each of our other devices, with
/// sessions started from fetched prekey bundles where none exist (whatsmeow's `sendDM`).
public struct MessageEncryptor: Sendable {
    let store: any SignalProtocolStore
    /// Fetches bundles of devices without a session; devices it leaves out are skipped.
    let fetchBundles: @Sendable ([JID]) async throws -> [JID: PreKeyBundle]

    public init(
        store: any SignalProtocolStore, fetchBundles: @escaping @Sendable ([JID]) async throws -> [JID: PreKeyBundle]
    ) {
        self.store = store
        self.fetchBundles = fetchBundles
    }

    /// - Parameters:
    ///   - recipientDevices: every device of the recipient (from usync).
    ///   - ownDevices: our account's other devices (not this one).
    ///   - deviceIdentity: our ADVSignedDeviceIdentity without the account key, sent with prekey messages.
    /// - Returns: the stanza, ready to send.
    public func stanza(
        for message: WAE2E_Message, id: String, to recipient: JID, recipientDevices: [JID], ownDevices: [JID],
        deviceIdentity: [UInt8]?
    ) async throws -> Node {
        let devices = try await devicesWithSessions(recipientDevices + ownDevices)
        let forRecipient: [UInt8] = try message.serializedBytes()
        var sent = WAE2E_Message()
        sent.deviceSentMessage.destinationJid = recipient.nonAD.description
        sent.deviceSentMessage.message = message
        let forOwnDevices: [UInt8] = try sent.serializedBytes()
        let own = Set(ownDevices)

        var participants: [Node] = []
        var anyPreKeyMessage = false
        for device in devices {
            let plaintext = MessagePadding.pad(own.contains(device) ? forOwnDevices : forRecipient)
            let encrypted = try await SessionCipher(store: store, address: device.signalAddress).encrypt(plaintext)
            if case .preKey = encrypted { anyPreKeyMessage = true }
            participants.append(
                Node(
                    tag: "to", attributes: ["jid": .jid(device)],
                    content: .nodes([
                        Node(
                            tag: "enc", attributes: ["v": "2", "type": .string(encrypted.encType)],
                            content: .bytes(encrypted.serialized))
                    ])))
        }
        guard !participants.isEmpty else { throw MessagingError.noBundle(recipient.description) }
        var children = [Node(tag: "participants", content: .nodes(participants))]
        if anyPreKeyMessage, let deviceIdentity {
            children.append(Node(tag: "device-identity", content: .bytes(deviceIdentity)))
        }
        return Node(
            tag: "message",
            attributes: ["id": .string(id), "to": .jid(recipient.nonAD), "type": .string(Self.stanzaType(of: message))],
            content: .nodes(children))
    }

    /// `devices`, less those without a session and without a bundle to start one.
    private func devicesWithSessions(_ devices: [JID]) async throws -> [JID] {
        var missing: [JID] = []
        for device in devices where try await store.session(for: device.signalAddress)?.hasSession != true {
            missing.append(device)
        }
        let bundles = missing.isEmpty ? [:] : try await fetchBundles(missing)
        for (device, bundle) in bundles {
            try await SessionCipher(store: store, address: device.signalAddress).processBundle(bundle)
        }
        let started = Set(bundles.keys)
        let skipped = Set(missing).subtracting(started)
        return devices.filter { !skipped.contains($0) }
    }

    /// The stanza `type`: whatsmeow's `getTypeFromMessage`, for the kinds we send.
    static func stanzaType(of message: WAE2E_Message) -> String {
        if message.hasReactionMessage || message.hasEncReactionMessage { return "reaction" }
        if message.hasPollCreationMessage || message.hasPollUpdateMessage { return "poll" }
        if message.hasImageMessage || message.hasVideoMessage || message.hasAudioMessage || message.hasDocumentMessage
            || message.hasStickerMessage || message.hasContactMessage || message.hasLocationMessage
        {
            return "media"
        }
        return "text"
    }
}

extension JID {
    /// The Signal address of this device (whatsmeow's `JID.SignalAddress`).
    public var signalAddress: SignalAddress {
        SignalAddress(user: user, server: server, rawAgent: rawAgent, device: device)
    }
}
