import Foundation
import WABinary
import WACrypto
import WAPairing
import WATransport

/// The virtual phone's side of linking: it reads a QR (or takes a pair code), sends the
/// companion a pair-success signed with the account key, checks the companion's signature,
/// records the device and restarts its stream so that it logs in.
extension SandboxServer {
    /// Links the registering device that was shown the QR's ref to `phone`'s account.
    nonisolated func link(phone: String, qrText: String) async throws(ControlError) -> JID {
        let qr: PairingQR
        do {
            qr = try PairingQR(parsing: qrText)
        } catch {
            throw .badRequest("QR: \(error)")
        }
        let account = try await existingAccount(phone)
        let connection: SandboxConnection
        switch await connections.lookUp(ref: qr.ref) {
        case .unknown: throw .notFound("QR ref unknown: no device was shown it")
        case .expired: throw .gone("QR ref expired: the device shows a newer QR, or hung up")
        case .live(let live): connection = live
        }
        guard let registration = await connection.registration, qr.noisePublicKey == connection.clientStaticKey,
            qr.identityPublicKey == registration.identity
        else { throw .badRequest("QR keys do not match the device that was shown the ref") }
        return try await whileLinking(connection) { () throws(ControlError) in
            try await self.completeLink(connection, registration: registration, to: account, advSecret: qr.advSecret)
        }
    }

    /// Links the device that asked for a pair code for `phone`, with the code the user entered.
    nonisolated func link(phone: String, pairCode: String) async throws(ControlError) -> JID {
        guard let code = PairCode.normalize(pairCode) else {
            throw .badRequest("Code must be 8 characters of 1-9 and A-Z without I, O, U (dash optional)")
        }
        let account = try await existingAccount(phone)
        guard let connection = await connections.pairCodeRequest(phone: phone),
            let request = await connection.pairCodeRequest, let registration = await connection.registration
        else { throw .notFound("no device is waiting for a pair code for \(phone)") }
        let identity = try phoneIdentity(of: account)
        return try await whileLinking(connection) { () throws(ControlError) in
            let primary: PairCodePrimary
            do {
                primary = try PairCodePrimary(
                    hello: request.hello, enteredCode: code, identity: identity, pairingRef: request.pairingRef)
            } catch {
                throw .badRequest("pair code: \(error)")
            }
            let finish = try await self.exchange(
                primary.notification(id: SandboxConnection.randomID()), on: connection, awaiting: .companionFinish,
                "the pair-code notification")
            let advSecret: [UInt8]
            do {
                let finished = try primary.finish(finish)
                guard finished.companionIdentity == registration.identity else {
                    throw ControlError.badGateway("companion_finish names another identity than the device registered")
                }
                advSecret = finished.advSecret
            } catch PairingError.wrongCode {
                throw .badRequest("pair code does not match")
            } catch let error as ControlError {
                throw error
            } catch {
                throw .badGateway("the companion's companion_finish is malformed: \(error)")
            }
            return try await self.completeLink(connection, registration: registration, to: account, advSecret: advSecret)
        }
    }

    /// Forgets the companion `device` of `phone`; a connected one gets `device_removed`.
    nonisolated func unlink(phone: String, device: String) async throws(ControlError) -> JID {
        let jid: JID
        do {
            jid = try JID(parsing: device)
        } catch {
            throw .badRequest("DeviceJID is not a JID: \(error)")
        }
        guard jid.server == JID.userServer, jid.user == phone, jid.device != 0 else {
            throw .badRequest("DeviceJID must name a companion of Phone, like \(phone):1@\(JID.userServer)")
        }
        _ = try await existingAccount(phone)
        do throws(AccountStoreError) {
            try await accounts.removeCompanion(jid)
        } catch {
            throw ControlError(error)
        }
        _ = try? await endStream(of: jid, with: .deviceRemoved)
        await router.announceUnlinked(jid)
        return jid
    }

    // MARK: Steps

    private nonisolated func existingAccount(_ phone: String) async throws(ControlError) -> VirtualAccount {
        guard let account = await accounts.account(phone: phone) else { throw .notFound("no account \(phone)") }
        return account
    }

    private nonisolated func phoneIdentity(of account: VirtualAccount) throws(ControlError) -> Curve25519KeyPair {
        do {
            return try account.phoneSecrets.identity()
        } catch {
            throw .internalError("the phone's identity key is unreadable: \(error)")
        }
    }

    /// Runs `body` holding `connection`'s linking claim; a failure releases it for another try.
    private nonisolated func whileLinking(
        _ connection: SandboxConnection, _ body: () async throws(ControlError) -> JID
    ) async throws(ControlError) -> JID {
        guard await connection.beginLinking() else {
            throw .conflict("the device is no longer registering, or a phone is linking it already")
        }
        do {
            return try await body()
        } catch {
            await connection.endLinking()
            throw error
        }
    }

    /// Sends `node` to the companion and waits for its answer.
    private nonisolated func exchange(
        _ node: Node, on connection: SandboxConnection, awaiting what: SandboxConnection.Awaited, _ name: String
    ) async throws(ControlError) -> Node {
        do {
            return try await connection.send(node, thenAwait: what, timeout: configuration.linkTimeout)
        } catch is DeadlineExceeded {
            throw .gatewayTimeout("the companion did not answer \(name) within \(configuration.linkTimeout)")
        } catch {
            // The connection that showed the QR or code is gone, and with it what it offered.
            throw .gone("the companion hung up before answering \(name): link it again with a new QR or code")
        }
    }

    /// pair-success, the companion's pair-device-sign, then the device is stored and told to
    /// reconnect (`<stream:error code=515>`).
    private nonisolated func completeLink(
        _ connection: SandboxConnection, registration: CompanionRegistration, to account: VirtualAccount,
        advSecret: [UInt8]
    ) async throws(ControlError) -> JID {
        let identity = try phoneIdentity(of: account)
        let slot: (deviceID: UInt16, keyIndex: UInt32)
        do throws(AccountStoreError) {
            slot = try await accounts.reserveCompanionSlot(phone: account.phone)
        } catch {
            throw ControlError(error)
        }
        let deviceJID = account.deviceJID(slot.deviceID)
        let iqID = SandboxConnection.randomID()
        let pairSuccess: Node
        do {
            pairSuccess = try PrimaryPairing.pairSuccess(
                iqID: iqID, deviceJID: deviceJID,
                lid: JID(user: account.lid, server: JID.lidServer, device: slot.deviceID),
                platform: VirtualAccount.phonePlatform, companionIdentity: registration.identity, advSecret: advSecret,
                account: identity, keyIndex: slot.keyIndex, rawID: account.advRawID,
                timestamp: UInt64(Date().timeIntervalSince1970))
        } catch {
            throw .internalError("could not build pair-success: \(error)")
        }
        let reply = try await exchange(pairSuccess, on: connection, awaiting: .answer(id: iqID), "pair-success")
        if reply["type"]?.description == "error" {
            let error = reply.child(tagged: "error")
            throw .badGateway(
                "the companion refused pair-success: \(error?["code"]?.description ?? "no code") "
                    + (error?["text"]?.description ?? "no text"))
        }
        do {
            _ = try PrimaryPairing.verifySign(
                reply, companionIdentity: registration.identity, accountKey: identity.publicKey.bytes)
        } catch {
            throw .badGateway("the companion's pair-device-sign is invalid: \(error)")
        }
        let device = LinkedDevice(
            deviceID: slot.deviceID, noiseKey: Data(connection.clientStaticKey), keys: registration.keys,
            keyIndex: slot.keyIndex, name: registration.name, platform: registration.platform)
        do throws(AccountStoreError) {
            try await accounts.addCompanion(device, phone: account.phone)
        } catch {
            throw ControlError(error)
        }
        await router.announceLinked(deviceJID)
        // The client hangs up first after 515 (hangUpDelay), as whatsmeow needs.
        try? await connection.end(with: .restartRequired)
        await historySync.sendInitialSync(to: deviceJID, phone: account.phone)
        return deviceJID
    }
}
