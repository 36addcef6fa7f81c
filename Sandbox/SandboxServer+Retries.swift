import Hummingbird
import WABinary

/// The control route that makes a virtual phone lose a session, to exercise retry receipts
/// (docs/sandbox.md).
extension SandboxServer {
    nonisolated func addRetryRoutes(to router: Router<BasicRequestContext>) {
        router.post("/sandbox/phone/forget-session") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let phone = try body.string("Phone")
                let text = try body.string("DeviceJID")
                let device: JID
                do {
                    device = try JID(parsing: text)
                } catch {
                    throw .badRequest("DeviceJID is not a JID: \(error)")
                }
                try await self.router.phoneForgetSession(of: phone, with: device)
                return Self.json(DeviceReply(deviceJID: device.description))
            }
        }
    }
}
