import Foundation
import Logging
import SwiftProtobuf
import WABinary
import WACrypto
import WAPairing
import WASignal
import WATransport
import WagoStore

/// Linking: the QR refs the server sends to a registering device, the phone's pair-success,
/// and phone-number linking with a pair code.
extension WhatsAppClient {
    /// A pair code shown to the user, waiting for the phone's notification.
    struct PendingPairCode: Sendable {
        var companion: PairCodeCompanion
        var pairingRef: [UInt8]
    }

    /// `pair-device` (QR refs to show) and `pair-success` (the phone scanned one); any other IQ
    /// goes up as a stanza.
    func handlePairingIQ(_ iq: Node) async throws {
        if let refs = PairDevice.refs(in: iq) {
            try await answer(iq)
            showQRCodes(for: refs)
        } else if let success = try PairSuccess.parse(iq) {
            try await acceptPairSuccess(success)
        } else {
            await report(.stanza(iq))
        }
    }

    /// Shows each ref's QR in turn, as WhatsApp rotates them: the first for `firstQRLifetime`,
    /// the others for `nextQRLifetime`; once all expired the client gives up and hangs up.
    private func showQRCodes(for refs: [String]) {
        qrRotation?.cancel()
        let texts = refs.map {
            PairingQR(
                ref: $0, noisePublicKey: socketNoisePublicKey, identityPublicKey: identity.publicKey.bytes,
                advSecret: device.advSecret, clientType: configuration.qrClientType
            ).text
        }
        let timing = configuration.pairing
        qrRotation = Task {
            for (index, text) in texts.enumerated() {
                await self.show(qr: text)
                do {
                    try await Task.sleep(for: index == 0 ? timing.firstQRLifetime : timing.nextQRLifetime)
                } catch { return }
            }
            await self.qrCodesExpired()
        }
    }

    private func show(qr text: String) async {
        currentQR = text
        await report(.qr(text))
        stateChanged()
    }

    private func qrCodesExpired() async {
        currentQR = nil
        await report(.qrTimeout)
        await stop()
    }

    private var socketNoisePublicKey: [UInt8] {
        // The record's key is the socket's: both were made from `device.noisePrivateKey`.
        (try? Curve25519KeyPair(privateKey: device.noisePrivateKey).publicKey.bytes) ?? []
    }

    /// Checks the phone's signatures, signs our device identity and answers; the server then
    /// restarts the stream (515) and we log in as the new device.
    private func acceptPairSuccess(_ success: PairSuccess) async throws {
        qrRotation?.cancel()
        currentQR = nil
        pairCode = nil
        let linked: LinkedIdentity
        do {
            linked = try CompanionPairing.accept(success, advSecret: device.advSecret, identity: identity)
        } catch {
            logger.warning("refused a pair-success", metadata: ["error": "\(error)"])
            try await socket.send(CompanionPairing.refusal(iqID: success.iqID, error))
            await report(.pairError(error.description))
            return
        }
        device.jid = success.deviceJID.description
        device.lid = success.lid?.description
        device.platform = success.platform
        device.account = try linked.account.serializedBytes()
        try await devices.save(device, session: session)
        try await socket.send(linked.reply)
        await report(
            .pairSuccess(
                jid: success.deviceJID, lid: success.lid, platform: success.platform,
                businessName: success.businessName))
    }

    // MARK: Pair code

    /// Asks the server to link this device to `phone` (digits only) and returns the code the
    /// user types on the phone, as `XXXX-XXXX`.
    /// - Throws: `ClientError.notConnected` before the handshake, `.alreadyLinked` once linked.
    public func pairPhone(_ phone: String) async throws -> String {
        guard !device.isLinked else { throw ClientError.alreadyLinked }
        guard connected else { throw ClientError.notConnected }
        let companion = try PairCodeCompanion(phone: JID(user: phone, server: JID.userServer))
        let hello = companion.helloRequest(
            noisePublicKey: socketNoisePublicKey, clientType: configuration.pairCodeClientType,
            displayName: configuration.pairCodeClientDisplayName, showPushNotification: true)
        let answer = try await socket.sendIQ(hello)
        try ClientError.check(answer)
        pairCode = PendingPairCode(companion: companion, pairingRef: try PairCodeCompanion.pairingRef(inHelloAnswer: answer))
        return PairCode.display(companion.code)
    }

    /// The phone accepted the code: derive the new ADV secret and send the key bundle.
    func finishPairCode(_ notification: Node) async throws {
        guard let pending = pairCode else {
            logger.info("ignored a pair-code notification with no pair code pending")
            return
        }
        let (request, advSecret) = try pending.companion.finish(
            notification: notification, identity: identity, pairingRef: pending.pairingRef)
        device.advSecret = advSecret
        try await devices.save(device, session: session)
        try ClientError.check(try await socket.sendIQ(request))
    }

    /// `<iq type=result>` echoing a server request's id.
    func answer(_ iq: Node) async throws {
        guard let id = iq["id"] else { return }
        try await socket.send(Node(tag: "iq", attributes: ["to": .jid(Self.server), "id": id, "type": "result"]))
    }
}
