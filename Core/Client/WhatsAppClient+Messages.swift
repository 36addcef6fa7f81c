import Foundation
import Logging
import SwiftProtobuf
import WABinary
import WAMessaging
import WAProto
import WASignal
import WATransport
import WagoStore

/// Sending and receiving messages: device lists (cached, kept current by devices
/// notifications), sessions, encryption per device or with our group sender key, the server's
/// ack, and receipts both ways.
extension WhatsAppClient {
    /// What the server said when it took a message.
    public struct SentMessage: Sendable {
        public var id: String
        public var timestamp: Date
    }

    /// Encrypts `message` for every device of `chat` (a user, or a group's participants) and
    /// our other devices, sends it, and waits for the server's ack. When the ack says our
    /// device lists were stale, the devices we missed get the message too.
    /// - Throws: `ClientError.notLoggedIn`, `ClientError.server` when the server refuses it.
    public func send(_ message: WAE2E_Message, to chat: JID, id: String? = nil) async throws -> SentMessage {
        guard loggedIn, let ownJID else { throw ClientError.notLoggedIn }
        let id = id ?? MessageID.generate(ownUser: ownJID.user)
        try rememberSent(message, to: chat, id: id)
        let ack =
            chat.server == JID.groupServer
            ? try await sendToGroup(
                message, group: chat.nonAD, id: id, ownJID: try await groupSender(in: chat.nonAD, ownDevice: ownJID))
            : try await sendToUser(message, to: try await addressing(of: chat, ownDevice: ownJID), id: id)
        let seconds = ack["t"].flatMap { Double($0.description) } ?? Date().timeIntervalSince1970
        return SentMessage(id: id, timestamp: Date(timeIntervalSince1970: seconds))
    }

    /// A 1:1 message: every device of the recipient and our other devices, each on its
    /// session, in the addressing (LID or phone number) `addressing` chose.
    private func sendToUser(_ message: WAE2E_Message, to addressing: LIDAddressing, id: String) async throws -> Node {
        let (user, ownJID) = (addressing.recipient, addressing.ownDevice)
        let users = [user, ownJID.nonAD]
        let fetchBundles = bundleFetcher()
        let deviceIdentity = try deviceIdentityForPeers()
        /// The stanza for `targets` of `devices` (all we know, for `phash`), its Signal writes
        /// committed at once.
        func stanza(for targets: [JID], of devices: [JID]) async throws -> Node {
            let lids = try await lidEncryption(for: targets)
            return try await withSignalTransaction { signal in
                addressing.addressed(try await MessageEncryptor(store: signal, fetchBundles: fetchBundles, lids: lids).stanza(
                    for: message, id: id, to: user, recipientDevices: targets.filter { $0.nonAD == user },
                    ownDevices: targets.filter { $0.nonAD == ownJID.nonAD && $0 != ownJID },
                    deviceIdentity: deviceIdentity, phash: ParticipantHash.of(devices)))
            }
        }
        let devices = try await knownDevices(of: users)
        let sent = try await stanza(for: devices, of: devices)
        let ack = try await sendAwaitingAck(sent, id: id)
        guard let fresh = try await freshDevicesIfStale(ack, sent: sent, users: users) else { return ack }
        let missed = fresh.filter { !devices.contains($0) && $0 != ownJID }
        if !missed.isEmpty {
            _ = try await sendAwaitingAck(try await stanza(for: missed, of: fresh), id: id)
        }
        return ack
    }

    /// A group message: once with our sender key, plus the key itself for the participants'
    /// devices that lack it; those are remembered as holders once the server took it.
    private func sendToGroup(_ message: WAE2E_Message, group: JID, id: String, ownJID: JID) async throws -> Node {
        let fetchBundles = bundleFetcher()
        let deviceIdentity = try deviceIdentityForPeers()
        let metadata = try await groupMetadata.metadata(of: group) { try await self.fetchGroupMetadata($0) }
        let participants = metadata.participants
        let users = participants + [ownJID.nonAD]
        let devices = try await knownDevices(of: users)
        let holders = try await senderKeyHolders.holders(of: group)
        let lids = try await lidEncryption(for: devices.filter { !holders.contains($0) })
        let built = try await withSignalTransaction { signal in
            try await GroupMessageEncryptor(store: signal, fetchBundles: fetchBundles, lids: lids).stanza(
                for: message, id: id, group: group, sender: ownJID, participantDevices: devices, holders: holders,
                deviceIdentity: deviceIdentity, addressingMode: metadata.addressingMode)
        }
        let ack = try await sendAwaitingAck(built.node, id: id)
        try await senderKeyHolders.addHolders(built.distributedTo, of: group)
        guard ack["phash"] != nil, ack["phash"] != built.node["phash"] else { return ack }
        // Our participants or their device lists are stale: ask again, then give the devices
        // we missed the message on their 1:1 sessions, with our sender key.
        await groupMetadata.invalidate(group)
        let freshParticipants = try await groupParticipants(of: group)
        let freshUsers = Array(Set(users + freshParticipants))
        for user in freshUsers { await userDevices.invalidate(user) }
        let fresh = try await knownDevices(of: freshParticipants + [ownJID.nonAD])
        let missed = fresh.filter { !devices.contains($0) && $0 != ownJID }
        guard !missed.isEmpty else { return ack }
        let missedLIDs = try await lidEncryption(for: missed)
        let resent = try await withSignalTransaction { signal in
            try await GroupMessageEncryptor(store: signal, fetchBundles: fetchBundles, lids: missedLIDs).resend(
                message, id: id, group: group, sender: ownJID, to: missed, participantDevices: fresh,
                deviceIdentity: deviceIdentity, addressingMode: metadata.addressingMode)
        }
        _ = try await sendAwaitingAck(resent.node, id: id)
        try await senderKeyHolders.addHolders(resent.distributedTo, of: group)
        return ack
    }

    /// When the ack carries another `phash` than `sent`, the cached lists of `users` are
    /// dropped and fetched again. - Returns: the fresh devices, or nil when the lists were right.
    private func freshDevicesIfStale(_ ack: Node, sent: Node, users: [JID]) async throws -> [JID]? {
        guard let serverHash = ack["phash"], serverHash != sent["phash"] else { return nil }
        logger.info("the server saw other devices than we sent to", metadata: ["id": "\(sent["id"]?.description ?? "")"])
        for user in users { await userDevices.invalidate(user) }
        return try await knownDevices(of: users)
    }

    /// Sends an IQ for a plugin and returns the server's answer, whatever its type.
    public func sendIQ(_ iq: Node, timeout: Duration) async throws -> Node {
        guard loggedIn else { throw ClientError.notLoggedIn }
        return try await socket.sendIQ(iq, timeout: timeout)
    }

    /// Sends any stanza for a plugin.
    public func sendNode(_ node: Node) async throws {
        guard loggedIn else { throw ClientError.notLoggedIn }
        try await socket.send(node)
    }

    /// Runs `operation` alone among the client's Signal operations, on a store that holds every
    /// write of earlier ones (`signalCommits` flushed first): such operations read and write
    /// `signal` directly. The actor alone would interleave concurrent sends and receives at
    /// every `await`, and two operations on one session would reuse or lose its ratchet state.
    func withSignalSessions<Value>(_ operation: () async throws -> Value) async throws -> Value {
        try await withSignalLock {
            try await signalCommits.flush()
            return try await operation()
        }
    }

    /// Runs `operation` alone among the client's Signal operations on a `SignalTransaction` over
    /// the store and the writes of earlier sends still being committed, hands what it wrote to
    /// `signalCommits` and, once the lock is free for the next message, waits until a commit
    /// stored it: a message encrypted for many devices, and the messages encrypted while one
    /// commit ran, are one commit. If `operation` throws, nothing is stored. The caller sends
    /// the ciphertexts only once this returned: a ratchet step that was sent must never be
    /// taken again after a crash.
    func withSignalTransaction<Value>(_ operation: (SignalTransaction) async throws -> Value) async throws -> Value {
        let (value, ticket) = try await withSignalLock {
            let transaction = SignalTransaction(over: signal, pending: await signalCommits.pending)
            let value = try await operation(transaction)
            return (value, await signalCommits.submit(await transaction.writes))
        }
        try await signalCommits.durable(ticket)
        return value
    }

    /// Runs `operation` when no other Signal operation of this client runs.
    /// - Throws: `ClientError.loggedOut` once the keys were wiped.
    func withSignalLock<Value>(_ operation: () async throws -> Value) async throws -> Value {
        while signalBusy { await withCheckedContinuation { signalWaiters.append($0) } }
        signalBusy = true
        defer {
            signalBusy = false
            if !signalWaiters.isEmpty { signalWaiters.removeFirst().resume() }
        }
        guard !loggedOut else { throw ClientError.loggedOut }
        return try await operation()
    }

    /// Every device of `users`: cached lists, the others by usync.
    private func knownDevices(of users: [JID]) async throws -> [JID] {
        try await userDevices.devices(of: users) { try await self.deviceList(of: $0) }
    }

    /// Every device of `users`, by usync.
    private func deviceList(of users: [JID]) async throws -> [JID] {
        let answer = try await socket.sendIQ(DeviceListQuery.request(users: users))
        try ClientError.check(answer)
        return try DeviceListQuery.devices(in: answer)
    }

    /// Prekey bundles of devices we have no session with, by a key fetch.
    func bundleFetcher() -> @Sendable ([JID]) async throws -> [JID: PreKeyBundle] {
        let socket = self.socket
        return { devices in
            let answer = try await socket.sendIQ(PreKeyBundleQuery.request(devices: devices))
            try ClientError.check(answer)
            return try PreKeyBundleQuery.bundles(in: answer)
        }
    }

    /// Our signed device identity as peers get it: without the account signature key.
    func deviceIdentityForPeers() throws -> [UInt8]? {
        guard let account = device.account else { return nil }
        var identity = try WAAdv_ADVSignedDeviceIdentity(serializedBytes: account)
        identity.clearAccountSignatureKey()
        return try identity.serializedBytes()
    }

    /// Sends `stanza` and waits (bounded) for the server's `<ack class=message id>`.
    /// - Throws: `ClientError.server` when the ack carries an error or none comes in time;
    ///   `ClientError.disconnectedBeforeAck` when the connection closed first.
    private func sendAwaitingAck(_ stanza: Node, id: String) async throws -> Node {
        let (acks, sink) = AsyncStream<Node>.makeStream()
        pendingAcks[id] = sink
        defer { pendingAcks[id] = nil }
        try await socket.send(stanza)
        let ack = try await withThrowingTaskGroup(of: Node?.self) { group in
            group.addTask { await acks.first { _ in true } }
            group.addTask {
                try await Task.sleep(for: .seconds(30))
                throw ClientError.server(code: 408, text: "no ack")
            }
            defer { group.cancelAll() }
            guard let ack = try await group.next() ?? nil else { throw ClientError.disconnectedBeforeAck }
            return ack
        }
        if let error = ack["error"] {
            throw ClientError.server(code: Int(error.description) ?? 0, text: "message refused")
        }
        return ack
    }

    // MARK: Receiving

    /// `<ack>` for one of our messages: hands it to the sender waiting for it.
    func handleAck(_ ack: Node) {
        guard ack["class"]?.description == "message", let id = ack["id"]?.description,
            let waiter = pendingAcks.removeValue(forKey: id)
        else { return }
        waiter.yield(ack)
        waiter.finish()
    }

    /// An incoming message (1:1, or a group's with our peers' sender keys): decrypt, report,
    /// then the delivery receipt and ack; a message we cannot decrypt gets a retry receipt instead.
    /// The order makes a crash at any point lose nothing: the Signal writes of the decryption
    /// (ratchet, consumed prekey, sender keys) are committed only after the event handler stored
    /// the event, so until then the server's redelivery decrypts again to the same event (same
    /// id, see `SessionClients.forward`); the receipt and ack wait for that commit. A copy
    /// delivered again after the commit, whose message key is spent, is only acked.
    func handleMessage(_ stanza: Node) async throws {
        guard let ownJID else { return }
        let decrypted: Result<ReceivedMessage, any Error> = try await withSignalSessions {
            let senderLID = await migrateSessions(forSenderOf: stanza, ownJID: ownJID)?.lid
            let transaction = SignalTransaction(over: signal)
            let received: ReceivedMessage
            do {
                received = try await ReceivedMessage.decrypt(
                    stanza, ownUser: ownJID, ownLID: ownLID, senderLID: senderLID,
                    store: transaction, senderKeys: transaction)
            } catch {
                return .failure(error)  // nothing was stored
            }
            // A handler that could not store the event, or a failed commit, throws past the
            // commit and the ack: the server delivers the message again.
            try await eventHandler(.message(received))
            try await signal.commit(await transaction.writes)
            return .success(received)
        }
        switch decrypted {
        case .success(let received):
            learnLIDMapping(from: received)
            handleHistorySyncNotification(in: received)
            rememberMedia(of: received)
            // whatsmeow's receipt types: peer_msg for our phone's protocol messages, sender for
            // our own messages from other devices, none (delivery) for everyone else's.
            let type = stanza["category"]?.description == "peer" ? "peer_msg" : received.isFromMe ? "sender" : nil
            if let receipt = Receipts.receipt(for: stanza, type: type) {
                try await socket.send(receipt)
            }
        case .failure(SignalError.duplicateMessage):
            // Its event was stored before its Signal writes were: only the ack went missing.
            logger.debug("a message came again after it was stored", metadata: ["id": "\(stanza["id"]?.description ?? "")"])
        case .failure(let error):
            logger.warning("could not decrypt a message", metadata: ["id": "\(stanza["id"]?.description ?? "")", "error": "\(error)"])
            if let receipt = try await retryReceipt(for: stanza) { try await socket.send(receipt) }
        }
        if let ack = Receipts.ack(for: stanza) { try await socket.send(ack) }
    }

    /// Our retry receipt for `stanza`, as whatsmeow sends it: its count one above the resend
    /// it answers, and from the second ask on our keys, so that the sender starts a new session;
    /// nil once `RetryReceipt.maxCount` asks went unanswered.
    private func retryReceipt(for stanza: Node) async throws -> Node? {
        let count = RetryReceipt.answeredCount(of: stanza) + 1
        guard count <= RetryReceipt.maxCount else { return nil }
        let keys = count > 1 ? try await bundleForRetry() : nil
        return RetryReceipt.request(
            for: stanza, count: count, registrationID: try await signal.localRegistrationID(), keys: keys,
            deviceIdentity: keys == nil ? nil : try deviceIdentityForPeers())
    }

    /// A delivery or read receipt for messages we sent; in a group, `participant` is the reader.
    func handleReceipt(_ stanza: Node) async throws {
        if let from = stanza["from"]?.jid, let id = stanza["id"]?.description {
            var ids = [id]
            ids += stanza.child(tagged: "list")?.children(tagged: "item").compactMap { $0["id"]?.description } ?? []
            // Not `report`: a receipt whose event was not stored stays unacked, so it comes again.
            try await eventHandler(
                .receipt(
                    MessageReceipt(
                        ids: ids, chat: from.nonAD, sender: stanza["participant"]?.jid ?? from,
                        type: stanza["type"]?.description ?? "delivery",
                        timestamp: Date(timeIntervalSince1970: stanza["t"].flatMap { Double($0.description) } ?? 0))))
        }
        if let ack = Receipts.ack(for: stanza) { try await socket.send(ack) }
    }

    /// `<notification type=devices>`: a peer's (or our own) device list changed.
    func handleDevicesNotification(_ node: Node) async throws {
        guard let notification = try DeviceNotification(node) else { return }
        learnLIDMapping(from: notification)
        await userDevices.apply(notification)
    }
}

/// Messages of ours that a peer's device received or read.
public struct MessageReceipt: Sendable {
    public var ids: [String]
    public var chat: JID
    public var sender: JID
    /// "delivery", "read", "played", ...
    public var type: String
    public var timestamp: Date
}
