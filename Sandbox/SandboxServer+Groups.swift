import Hummingbird
import WABinary

/// The control API's groups (docs/sandbox.md), changed as their members' phones would:
/// - `POST /sandbox/groups {Creator, Participants, Subject}` creates one of existing accounts
///   and answers its JID;
/// - `POST /sandbox/groups/participants {Group, Action: add|remove|leave, Participants, By?}`:
///   the admin (`By`, the creator by default) adds or removes members, or each listed member leaves;
/// - `POST /sandbox/groups/subject {Group, Subject, By?}`: a member renames the group;
/// - `POST /sandbox/groups/admins {Group, Action: promote|demote, Participants, By?}`: an admin
///   promotes members or demotes admins;
/// - `POST /sandbox/groups/description {Group, Description, By?}`: a member sets the
///   description (empty: deletes it);
/// - `POST /sandbox/groups/settings {Group, Announce?, Locked?, Ephemeral?, JoinApproval?, By?}`:
///   an admin changes settings;
/// - `POST /sandbox/groups/link {Group, By?}`: an admin revokes the invite link for a new one.
/// Changes answer the group as it is now (`GroupReply`).
extension SandboxServer {
    nonisolated func addGroupRoutes(to router: Router<BasicRequestContext>) {
        router.post("/sandbox/groups") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let group = try await self.router.createGroup(
                    subject: try body.string("Subject"), creator: try body.string("Creator"),
                    participants: try body.strings("Participants"), addressingMode: try body.optionalString("AddressingMode"))
                return Self.json(GroupCreatedReply(jid: group.jid.description))
            }
        }
        router.post("/sandbox/groups/participants") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let actionName = try body.string("Action")
                guard let action = GroupMemberAction(rawValue: actionName) else {
                    let actions = GroupMemberAction.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .badRequest("Action must be one of \(actions), not \"\(actionName)\"")
                }
                let group = try await self.router.changeParticipants(
                    of: try Self.groupJID(body), action, phones: try body.strings("Participants"),
                    by: try Self.actor(body))
                return Self.json(GroupReply(group))
            }
        }
        router.post("/sandbox/groups/subject") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let group = try await self.router.changeSubject(
                    of: try Self.groupJID(body), to: try body.string("Subject"), by: try Self.actor(body))
                return Self.json(GroupReply(group))
            }
        }
        router.post("/sandbox/groups/admins") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let actionName = try body.string("Action")
                guard let action = GroupAdminAction(rawValue: actionName) else {
                    let actions = GroupAdminAction.allCases.map(\.rawValue).joined(separator: ", ")
                    throw .badRequest("Action must be one of \(actions), not \"\(actionName)\"")
                }
                let group = try await self.router.changeAdmins(
                    of: try Self.groupJID(body), action, phones: try body.strings("Participants"), by: try Self.actor(body))
                return Self.json(GroupReply(group))
            }
        }
        router.post("/sandbox/groups/description") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                guard let description = try body.optionalString("Description") else {
                    throw .badRequest("missing Description in payload")
                }
                let group = try await self.router.changeDescription(
                    of: try Self.groupJID(body), to: description, by: try Self.actor(body))
                return Self.json(GroupReply(group))
            }
        }
        router.post("/sandbox/groups/settings") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let group = try await self.router.changeSettings(
                    of: try Self.groupJID(body), try GroupSettingsChange(body), by: try Self.actor(body))
                return Self.json(GroupReply(group))
            }
        }
        router.post("/sandbox/groups/link") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let group = try await self.router.resetInviteLink(of: try Self.groupJID(body), by: try Self.actor(body))
                return Self.json(GroupReply(group))
            }
        }
    }

    /// The `Group` field: a `…@g.us` JID.
    private static func groupJID(_ body: ControlBody) throws(ControlError) -> JID {
        let text = try body.string("Group")
        guard let jid = try? JID(parsing: text), jid.server == JID.groupServer else {
            throw .badRequest("Group must be a group JID (…@g.us), not \"\(text)\"")
        }
        return jid
    }

    /// The optional `By` field: the acting member's phone number.
    private static func actor(_ body: ControlBody) throws(ControlError) -> String? {
        guard let phone = try body.optionalString("By") else { return nil }
        guard !phone.isEmpty else { throw .badRequest("By must not be empty") }
        return phone
    }
}
