import Foundation
import WABinary
import WAMessaging

/// Admin changes to a group beside its members and subject, for the control API, announced to
/// every member's companions as `<notification type=w:gp2>` (queued for offline ones) with the
/// children whatsmeow's `parseGroupChange` reads: `<promote>`/`<demote>`, `<description>`,
/// `<announcement>`/`<not_announcement>`, `<locked>`/`<unlocked>`,
/// `<ephemeral>`/`<not_ephemeral>`, `<membership_approval_mode>` and `<invite>`.
extension MessageRouter {
    /// Invite codes are 22 letters and digits, as WhatsApp's.
    static let inviteCodeLength = 22

    /// `POST /sandbox/groups/admins`: an admin (`actor`, the creator when nil) promotes members
    /// to admins or demotes admins; the creator stays superadmin and cannot be demoted.
    func changeAdmins(
        of jid: JID, _ action: GroupAdminAction, phones: [String], by actor: String?, now: Date = Date()
    ) async throws(ControlError) -> GroupRecord {
        guard !phones.isEmpty else { throw .badRequest("Participants must not be empty") }
        guard Set(phones).count == phones.count else { throw .badRequest("Participants lists a phone twice") }
        try await requireAccounts(phones + [actor].compactMap { $0 })
        let (_, after) = try await groups.update(jid) { group throws(ControlError) in
            try Self.requireAdmin(actor ?? group.creator, of: group)
            for phone in phones {
                guard group.participants.contains(phone) else { throw .notFound("\(phone) is not in \(jid)") }
                guard phone != group.creator else { throw .conflict("\(phone) created \(jid) and stays its superadmin") }
                guard group.isAdmin(phone) != (action == .promote) else {
                    throw .conflict(action == .promote ? "\(phone) is an admin of \(jid) already" : "\(phone) is no admin of \(jid)")
                }
            }
            var settings = group.settings ?? GroupSettings()
            settings.admins = action == .promote ? settings.admins + phones : settings.admins.filter { !phones.contains($0) }
            group.settings = settings
        }
        let names = await memberNames(of: after)
        let participants = GroupNotification.ParticipantChange(
            action: action == .promote ? .promote : .demote, participants: phones.map(names.jid),
            alternatives: names.alternatives(of: phones))
        await announce(
            [.participants(participants)], in: after, names: names, by: actor ?? after.creator, to: after.participants,
            now: now)
        return after
    }

    /// `POST /sandbox/groups/description`: a member (`actor`, the creator when nil; an admin
    /// when the group is locked) sets the description under a new id, or deletes it when
    /// `description` is empty.
    func changeDescription(of jid: JID, to description: String, by actor: String?, now: Date = Date())
        async throws(ControlError) -> GroupRecord
    {
        if let actor { try await requireAccounts([actor]) }
        let id = SandboxConnection.randomID()
        let (_, after) = try await groups.update(jid) { group throws(ControlError) in
            let member = actor ?? group.creator
            try Self.requireEditor(member, of: group)
            var settings = group.settings ?? GroupSettings()
            guard !description.isEmpty || !settings.description.isEmpty else { throw .conflict("\(jid) has no description") }
            settings.description = description
            settings.descriptionID = description.isEmpty ? "" : id
            group.settings = settings
        }
        await announce(
            [.description(topic: description, id: id, deleted: description.isEmpty)], in: after,
            names: await memberNames(of: after), by: actor ?? after.creator, to: after.participants, now: now)
        return after
    }

    /// `POST /sandbox/groups/settings`: an admin (`actor`, the creator when nil) changes
    /// settings; each that differs from the group's is set and announced, all in one
    /// notification (none when nothing differs).
    func changeSettings(of jid: JID, _ change: GroupSettingsChange, by actor: String?, now: Date = Date())
        async throws(ControlError) -> GroupRecord
    {
        if let actor { try await requireAccounts([actor]) }
        let versionID = String(Int64(now.timeIntervalSince1970 * 1_000_000))
        let (before, after) = try await groups.update(jid) { group throws(ControlError) in
            try Self.requireAdmin(actor ?? group.creator, of: group)
            var settings = group.settings ?? GroupSettings()
            if let announce = change.isAnnounce, announce != settings.isAnnounce {
                settings.isAnnounce = announce
                settings.announceVersionID = versionID
            }
            settings.isLocked = change.isLocked ?? settings.isLocked
            settings.ephemeralTimer = change.ephemeralTimer ?? settings.ephemeralTimer
            settings.isJoinApprovalRequired = change.isJoinApprovalRequired ?? settings.isJoinApprovalRequired
            group.settings = settings
        }
        let old = before.settings ?? GroupSettings()
        let new = after.settings ?? GroupSettings()
        var changes: [GroupNotification.Change] = []
        if new.isAnnounce != old.isAnnounce { changes.append(.announce(new.isAnnounce, versionID: new.announceVersionID)) }
        if new.isLocked != old.isLocked { changes.append(.locked(new.isLocked)) }
        if new.ephemeralTimer != old.ephemeralTimer {
            changes.append(.ephemeral(timer: new.ephemeralTimer == 0 ? nil : new.ephemeralTimer))
        }
        if new.isJoinApprovalRequired != old.isJoinApprovalRequired {
            changes.append(.membershipApproval(required: new.isJoinApprovalRequired))
        }
        if !changes.isEmpty {
            await announce(
                changes, in: after, names: await memberNames(of: after), by: actor ?? after.creator, to: after.participants,
                now: now)
        }
        return after
    }

    /// `POST /sandbox/groups/link`: an admin (`actor`, the creator when nil) revokes the invite
    /// link, making a new one (`<invite code>` to every member).
    func resetInviteLink(of jid: JID, by actor: String?, now: Date = Date()) async throws(ControlError) -> GroupRecord {
        if let actor { try await requireAccounts([actor]) }
        let code = Self.newInviteCode()
        let (_, after) = try await groups.update(jid) { group throws(ControlError) in
            try Self.requireAdmin(actor ?? group.creator, of: group)
            var settings = group.settings ?? GroupSettings()
            settings.inviteCode = code
            group.settings = settings
        }
        await announce(
            [.inviteLink(code: code)], in: after, names: await memberNames(of: after), by: actor ?? after.creator,
            to: after.participants, now: now)
        return after
    }

    private static func requireAdmin(_ phone: String, of group: GroupRecord) throws(ControlError) {
        guard group.isAdmin(phone) else { throw .forbidden("\(phone) is no admin of \(group.jid)") }
    }

    /// Any member edits an unlocked group's info (subject, description); only admins a locked one's.
    static func requireEditor(_ phone: String, of group: GroupRecord) throws(ControlError) {
        guard group.participants.contains(phone) else { throw .forbidden("\(phone) is not in \(group.jid)") }
        if group.settings?.isLocked == true, !group.isAdmin(phone) {
            throw .forbidden("\(group.jid) is locked and \(phone) is no admin")
        }
    }

    private static func newInviteCode() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<inviteCodeLength).map { _ in alphabet.randomElement() ?? "A" })
    }
}
