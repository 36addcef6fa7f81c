import Foundation
import WABinary
import WAEvents
import WAMessaging

/// Group notifications as whatsmeow reports them: `<create>` as `events.JoinedGroup`, any other
/// as `events.GroupInfo` (`parseGroupChange`).
extension SessionEvent {
    static func groupEvent(_ notification: GroupNotification) throws -> WebhookEvent {
        if let creation = notification.creation { return .joinedGroup(try joinedGroup(creation, of: notification)) }
        var event = GroupInfo()
        event.jid = notification.group
        event.notify = notification.notify
        event.sender = notification.sender
        event.senderPN = notification.senderPN
        event.timestamp = try GoTime(unixSeconds: notification.timestamp, in: .current)
        for change in notification.changes {
            switch change {
            case .participants(let participants):
                event.previousParticipantVersionID = participants.previousVersionID
                event.participantVersionID = participants.versionID
                switch participants.action {
                case .add:
                    event.joinReason = participants.reason
                    event.join = participants.participants
                case .remove: event.leave = participants.participants
                case .promote: event.promote = participants.participants
                case .demote: event.demote = participants.participants
                }
            case .subject(let name, let setAt, let setBy, let setByPN):
                var groupName = GroupName()
                groupName.name = name
                groupName.nameSetAt = try GoTime(unixSeconds: setAt, in: .current)
                groupName.nameSetBy = setBy ?? .goZero
                groupName.nameSetByPN = setByPN ?? .goZero
                event.name = groupName
            case .description(let text, let id, let deleted):
                var topic = GroupTopic()
                topic.topic = text
                topic.topicID = id
                topic.topicSetAt = event.timestamp
                topic.topicSetBy = notification.sender ?? .goZero
                topic.topicDeleted = deleted
                event.topic = topic
            case .locked(let locked):
                event.locked = GroupLocked(isLocked: locked)
            case .announce(let announce, let versionID):
                event.announce = GroupAnnounce(isAnnounce: announce, announceVersionID: versionID)
            case .ephemeral(let timer):
                event.ephemeral = GroupEphemeral(isEphemeral: timer != nil, disappearingTimer: timer ?? 0)
            case .membershipApproval(let required):
                event.membershipApprovalMode = GroupMembershipApprovalMode(isJoinApprovalRequired: required)
            case .deleted(let reason):
                event.delete = GroupDelete(deleted: true, deleteReason: reason)
            case .inviteLink(let code):
                event.newInviteLink = GroupNotification.inviteLinkPrefix + code
            case .linked(let link):
                event.link = try linkChange(link)
            case .unlinked(let link):
                event.unlink = try linkChange(link)
            case .suspended(true):
                event.suspended = true
            case .suspended(false):
                event.unsuspended = true
            case .created(let creation):
                // Only a lone <create> is a join; beside other changes whatsmeow keeps it unread.
                event.unknownChanges = (event.unknownChanges ?? []) + [GroupNotification.Change.created(creation).node]
            case .unknown(let node):
                event.unknownChanges = (event.unknownChanges ?? []) + [node]
            }
        }
        return .groupInfo(event)
    }

    /// whatsmeow's `GroupLinkChange`: the other group's name and when it was set (Go's zero
    /// time when not given), no setter.
    private static func linkChange(_ link: GroupNotification.LinkChange) throws -> GroupLinkChange {
        var change = GroupLinkChange()
        change.type = link.type
        change.unlinkReason = link.unlinkReason
        change.groupJID = link.group
        change.groupName.name = link.subject
        if link.subjectSetAt != 0 { change.groupName.nameSetAt = try GoTime(unixSeconds: link.subjectSetAt, in: .current) }
        change.groupIsDefaultSubGroup = link.isDefaultSubGroup
        return change
    }

    private static func joinedGroup(_ creation: GroupNotification.Creation, of notification: GroupNotification) throws
        -> JoinedGroup
    {
        let metadata = creation.group
        var event = JoinedGroup()
        event.reason = creation.reason
        event.type = creation.type
        event.createKey = creation.key
        event.sender = notification.sender
        event.senderPN = notification.senderPN
        event.notify = notification.notify
        event.group.jid = metadata.jid
        event.group.ownerJID = metadata.creator ?? .goZero
        event.group.ownerPN = metadata.creatorPN ?? .goZero
        event.group.name.name = metadata.subject
        event.group.name.nameSetAt = try GoTime(unixSeconds: metadata.subjectSetAt, in: .current)
        event.group.name.nameSetBy = metadata.subjectSetBy ?? .goZero
        event.group.isLocked = metadata.isLocked
        event.group.isAnnounce = metadata.isAnnounce
        event.group.addressingMode = metadata.addressingMode
        event.group.groupCreated = try GoTime(unixSeconds: metadata.created, in: .current)
        event.group.participantVersionID = metadata.participantVersionID
        event.group.participants = metadata.participants.map { jid in
            var participant = GroupParticipant()
            participant.jid = jid
            // whatsmeow's parseParticipant: the JID is one side, the `<participant>`'s
            // phone_number or lid attribute the other.
            let alternative = metadata.participantAlternatives[jid] ?? .goZero
            if jid.server == JID.lidServer {
                (participant.lid, participant.phoneNumber) = (jid, alternative)
            } else {
                (participant.phoneNumber, participant.lid) = (jid, alternative)
            }
            participant.isAdmin = metadata.admins.contains(jid)
            participant.isSuperAdmin = metadata.superAdmins.contains(jid)
            return participant
        }
        return event
    }
}
