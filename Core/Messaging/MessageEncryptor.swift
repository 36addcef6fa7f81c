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
    /// Which session each device goes on: a phone-number device's LID one when its LID is known.
    let lids: LIDEncryption

    public init(
        store: any SignalProtocolStore, fetchBundles: @escaping @Sendable ([JID]) async throws -> [JID: PreKeyBundle],
        lids: LIDEncryption = LIDEncryption()
    ) {
        self.store = store
        self.fetchBundles = fetchBundles
        self.lids = lids
    }

    /// - Parameters:
    ///   - recipientDevices: every device of the recipient (from usync).
    ///   - ownDevices: our account's other devices (not this one).
    ///   - deviceIdentity: our ADVSignedDeviceIdentity without the account key, sent with prekey messages.
    ///   - phash: the `ParticipantHash` of every device of both accounts (ours included), so the
    ///     server can say when our device lists are stale; nil leaves it out.
    /// - Returns: the stanza, ready to send.
    public func stanza(
        for message: WAE2E_Message, id: String, to recipient: JID, recipientDevices: [JID], ownDevices: [JID],
        deviceIdentity: [UInt8]?, phash: String? = nil
    ) async throws -> Node {
        let forRecipient: [UInt8] = try message.serializedBytes()
        var sent = WAE2E_Message()
        sent.deviceSentMessage.destinationJid = recipient.nonAD.description
        sent.deviceSentMessage.message = message
        let forOwnDevices: [UInt8] = try sent.serializedBytes()
        let own = Set(ownDevices)
        let encrypted = try await participants(
            recipientDevices + ownDevices, encAttributes: MessageAttributes.encAttributes(of: message)
        ) { own.contains($0) ? forOwnDevices : forRecipient }
        guard !encrypted.nodes.isEmpty else { throw MessagingError.noBundle(recipient.description) }
        var attributes = MessageAttributes.stanza(id: id, to: recipient.nonAD, message: message)
        if let phash { attributes["phash"] = .string(phash) }
        var children = [Node(tag: "participants", content: .nodes(encrypted.nodes))]
        if encrypted.anyPreKeyMessage, let deviceIdentity {
            children.append(Node(tag: "device-identity", content: .bytes(deviceIdentity)))
        }
        children += MessageAttributes.trailingNodes(of: message, to: recipient.nonAD)
        return Node(tag: "message", attributes: attributes, content: .nodes(children))
    }

    /// `<to jid=device><enc …>` for each of `devices` that has or can start a session, with
    /// `plaintext(device)` padded and encrypted on that device's session (`lids`).
    /// - Returns: the nodes, and whether any is a prekey message (the stanza then needs our identity).
    func participants(
        _ devices: [JID], encAttributes: Attributes, plaintext: (JID) -> [UInt8]
    ) async throws -> (nodes: [Node], anyPreKeyMessage: Bool) {
        var nodes: [Node] = []
        var anyPreKeyMessage = false
        for device in try await devicesWithSessions(devices) {
            let encrypted = try await SessionCipher(store: store, address: lids.sessionDevice(for: device).signalAddress)
                .encrypt(MessagePadding.pad(plaintext(device)))
            if case .preKey = encrypted { anyPreKeyMessage = true }
            var attributes = encAttributes
            attributes["type"] = .string(encrypted.encType)
            nodes.append(
                Node(
                    tag: "to", attributes: ["jid": .jid(device)],
                    content: .nodes([Node(tag: "enc", attributes: attributes, content: .bytes(encrypted.serialized))])))
        }
        return (nodes, anyPreKeyMessage)
    }

    /// `devices`, less those without a session and without a bundle to start one (fetched for
    /// the device as addressed, started on its session in `lids`).
    private func devicesWithSessions(_ devices: [JID]) async throws -> [JID] {
        var missing: [JID] = []
        for device in devices {
            let session = lids.sessionDevice(for: device).signalAddress
            if try await store.session(for: session)?.hasSession != true { missing.append(device) }
        }
        let bundles = missing.isEmpty ? [:] : try await fetchBundles(missing)
        for (device, bundle) in bundles {
            let session = lids.sessionDevice(for: device).signalAddress
            try await SessionCipher(store: store, address: session).processBundle(bundle)
        }
        let started = Set(bundles.keys)
        let skipped = Set(missing).subtracting(started)
        return devices.filter { !skipped.contains($0) }
    }
}

extension JID {
    /// The Signal address of this device (whatsmeow's `JID.SignalAddress`).
    public var signalAddress: SignalAddress {
        SignalAddress(user: user, server: server, rawAgent: rawAgent, device: device)
    }
}
