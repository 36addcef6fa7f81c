import Hummingbird
import WABinary

/// The control API's groups (docs/sandbox.md): `POST /sandbox/groups {Creator, Participants, Subject}`
/// creates one of existing accounts and answers its JID.
extension SandboxServer {
    nonisolated func addGroupRoutes(to router: Router<BasicRequestContext>) {
        router.post("/sandbox/groups") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let group = try await self.router.createGroup(
                    subject: try body.string("Subject"), creator: try body.string("Creator"),
                    participants: try body.strings("Participants"))
                return Self.json(GroupCreatedReply(jid: group.jid.description))
            }
        }
    }
}
