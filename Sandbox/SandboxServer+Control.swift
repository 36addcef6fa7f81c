import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SwiftProtobuf
import WABinary
import WAProto

/// The control API (docs/sandbox.md): accounts, linking by QR or pair code, unlinking, the
/// virtual phones' messages. Every
/// route needs the `admintoken` header; answers are JSON, refusals `{"error":"..."}`.
extension SandboxServer {
    /// Mounts the `/sandbox/…` routes on `router`: the sandbox's own server does, and so does
    /// the gateway when it embeds a sandbox (`WAGO_SANDBOX=1`).
    public nonisolated func addControlRoutes(to router: Router<BasicRequestContext>) {
        router.get("/sandbox/info") { request, context in
            await self.answer(request, context, readingBody: false) { _ throws(ControlError) in
                guard let info = await self.listeningInfo else { throw .notListening }
                return info.json
            }
        }
        router.post("/sandbox/accounts") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("Phone")
                let pushName = try body.string("PushName")
                let account: VirtualAccount
                do throws(AccountStoreError) {
                    account = try await self.accounts.createAccount(phone: phone, pushName: pushName)
                } catch {
                    throw ControlError(error)
                }
                return Self.json(
                    CreatedAccountReply(
                        phone: account.phone, jid: account.jid.description, lid: account.lidJID.description))
            }
        }
        router.get("/sandbox/accounts") { request, context in
            await self.answer(request, context, readingBody: false) { _ throws(ControlError) in
                Self.json(await self.accountList())
            }
        }
        router.post("/sandbox/link") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("Phone")
                let device = try await self.link(phone: phone, qrText: try body.string("QR"))
                return Self.json(DeviceReply(deviceJID: device.description))
            }
        }
        router.post("/sandbox/paircode") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("Phone")
                let device = try await self.link(phone: phone, pairCode: try body.string("Code"))
                return Self.json(DeviceReply(deviceJID: device.description))
            }
        }
        router.post("/sandbox/send") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("From")
                let to = try body.string("To")
                let messageJSON = try body.objectJSON("Message")
                let recipient: JID
                do {
                    recipient = try JID(parsing: to)
                } catch {
                    throw .badRequest("To is not a JID: \(error)")
                }
                let message: WAE2E_Message
                do {
                    message = try WAE2E_Message(jsonString: messageJSON)
                } catch {
                    throw .badRequest("Message is not a WAE2E.Message: \(error)")
                }
                let sent = try await self.router.phoneSend(message, from: phone, to: recipient)
                await self.media.rememberSent(message, id: sent.id, by: phone)
                return Self.json(SentMessageReply(id: sent.id, timestamp: sent.timestamp))
            }
        }
        router.get("/sandbox/messages") { request, context in
            await self.answer(request, context, readingBody: false) { _ throws(ControlError) in
                guard let phone = request.uri.queryParameters["Phone"].map(String.init), !phone.isEmpty else {
                    throw .badRequest("missing Phone in query")
                }
                return PhoneMessagesReply(messages: try await self.router.phoneMessages(of: phone)).json
            }
        }
        router.post("/sandbox/unlink") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("Phone")
                let device = try await self.unlink(phone: phone, device: try body.string("DeviceJID"))
                return Self.json(DeviceReply(deviceJID: device.description))
            }
        }
        addPresenceRoutes(to: router)
        addGroupRoutes(to: router)
        addHistorySyncRoutes(to: router)
        addMediaRoutes(to: router)
        addRetryRoutes(to: router)
    }

    private static let adminTokenHeader = HTTPField.Name("admintoken")!

    /// Checks the admin token, reads the JSON body, runs `handle` and turns its JSON text or
    /// refusal into the response.
    nonisolated func answer(
        _ request: Request, _ context: BasicRequestContext, readingBody: Bool = true,
        _ handle: (ControlBody) async throws(ControlError) -> String
    ) async -> Response {
        do throws(ControlError) {
            guard let expected = configuration.adminToken, let given = request.headers[Self.adminTokenHeader],
                constantTimeEqual(Array(given.utf8), Array(expected.utf8))
            else { throw .unauthorized }
            var body = ControlBody.empty
            if readingBody {
                guard let buffer = try? await request.body.collect(upTo: context.maxUploadSize) else {
                    throw .badRequest("the body could not be read or is too large")
                }
                body = try ControlBody(buffer)
            }
            return Self.response(.ok, try await handle(body))
        } catch {
            return Self.response(error.status, Self.json(ErrorReply(error: error.message)))
        }
    }

    private static func response(_ status: HTTPResponse.Status, _ json: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }

    /// One line of JSON with sorted keys; the reply types hold only strings, numbers and arrays.
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private nonisolated func accountList() async -> AccountListReply {
        var accounts: [AccountListReply.Account] = []
        let formatter = ISO8601DateFormatter()
        for account in await self.accounts.all() {
            var devices: [AccountListReply.Device] = []
            for device in account.companions {
                let jid = account.deviceJID(device.deviceID)
                devices.append(
                    AccountListReply.Device(
                        jid: jid.description,
                        lid: JID(user: account.lid, server: JID.lidServer, device: device.deviceID).description,
                        keyIndex: device.keyIndex, name: device.name, platform: device.platform,
                        linkedAt: formatter.string(from: device.linkedAt), preKeys: device.keys.preKeys.count,
                        connected: await connections.connection(for: jid) != nil))
            }
            accounts.append(
                AccountListReply.Account(
                    phone: account.phone, pushName: account.pushName, jid: account.jid.description,
                    lid: account.lidJID.description, devices: devices))
        }
        return AccountListReply(accounts: accounts)
    }
}

/// Compares secrets without leaking, through timing, how much of a guess was right.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
}
