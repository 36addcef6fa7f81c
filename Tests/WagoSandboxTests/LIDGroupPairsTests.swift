import Testing
import WABinary
import WAMessaging

/// The phone number ↔ LID pairs groups show, as whatsmeow reads them to store them: each
/// `<participant>` of a `w:gp2` add/remove/promote/demote with its `phone_number` or `lid`
/// (`parseParticipantList`), the participants of a `<create>`'s and a `w:g2` answer's group
/// (`parseParticipant`, `cacheGroupInfo`), and the group's `creator_pn` (`parseGroupNode`).
@Suite("LID pairs from groups")
struct LIDGroupPairsTests {
    let group = JID(user: "120363000000000007", server: JID.groupServer)
    let lid = JID(user: "201234567890123", server: JID.lidServer)
    let phone = JID(user: "5511987654321", server: JID.userServer)
    let otherLID = JID(user: "201234567890124", server: JID.lidServer)
    let otherPhone = JID(user: "5511987654322", server: JID.userServer)

    @Test("a member change names each member's other identity; those pairs are the notification's", arguments: [
        "add", "remove", "promote", "demote",
    ])
    func participantChange(action: String) throws {
        let stranger = JID(user: "5511987654323", server: JID.userServer)
        let node = Node(
            tag: "notification",
            attributes: ["from": .jid(group), "id": "1", "t": "1760000000", "type": "w:gp2", "participant": .jid(lid)],
            content: .nodes([
                Node(
                    tag: action, attributes: ["v_id": "2"],
                    content: .nodes([
                        Node(tag: "participant", attributes: ["jid": .jid(lid), "phone_number": .jid(phone)]),
                        Node(tag: "participant", attributes: ["jid": .jid(otherPhone), "lid": .jid(otherLID)]),
                        // A `lid` that is no LID is no pair.
                        Node(tag: "participant", attributes: ["jid": .jid(stranger), "lid": .jid(otherPhone)]),
                    ]))
            ]))
        let notification = try #require(try GroupNotification(node))
        guard case .participants(let change) = try #require(notification.changes.first) else {
            Issue.record("not a member change: \(notification.changes)")
            return
        }
        #expect(change.participants == [lid, otherPhone, stranger])
        #expect(change.alternatives == [lid: phone, otherPhone: otherLID])
        #expect(Self.sorted(notification.lidPairs) == [Pair(phone, lid), Pair(otherPhone, otherLID)])
        // The sender's participant_pn is not among them, as in whatsmeow; the stanza writes back as read.
        #expect(try GroupNotification(notification.node) == notification)
        #expect(notification.node.children.first?.children.first?["phone_number"]?.jid == phone)
    }

    @Test("a <create> names its members' pairs and its creator's phone number; its addressing mode falls back to the stanza's")
    func creation() throws {
        let metadata = GroupMetadata(
            jid: group, subject: "LID", creator: lid, creatorPN: phone, participants: [lid, otherLID],
            participantAlternatives: [lid: phone, otherLID: otherPhone])
        let node = Node(
            tag: "notification",
            attributes: ["from": .jid(group), "id": "2", "t": "1760000000", "type": "w:gp2", "addressing_mode": "lid"],
            content: .nodes([Node(tag: "create", content: .nodes([GroupInfoQuery.groupNode(of: metadata)]))]))
        #expect(node.children.first?.children.first?["addressing_mode"] == nil)
        let creation = try #require(try GroupNotification(node)?.creation)
        #expect(creation.group.addressingMode == "lid")
        #expect(creation.group.creatorPN == phone)
        let notification = try #require(try GroupNotification(node))
        #expect(Self.sorted(notification.lidPairs) == [Pair(phone, lid), Pair(otherPhone, otherLID)])
    }

    @Test("a w:g2 answer's creator_pn and participants read back, and its pairs are the members'")
    func groupInfo() throws {
        let metadata = GroupMetadata(
            jid: group, subject: "PN", creator: phone, creatorPN: nil, participants: [phone, otherPhone],
            participantAlternatives: [phone: lid])
        let node = GroupInfoQuery.groupNode(of: metadata)
        #expect(node["creator_pn"] == nil)
        #expect(try GroupInfoQuery.metadata(ofGroup: node) == metadata)
        #expect(metadata.lidPairs.map { Pair($0.phone, $0.lid) } == [Pair(phone, lid)])

        var lidGroup = metadata
        (lidGroup.creator, lidGroup.creatorPN) = (lid, phone)
        let lidNode = GroupInfoQuery.groupNode(of: lidGroup)
        #expect(lidNode["creator_pn"]?.jid == phone)
        #expect(try GroupInfoQuery.metadata(ofGroup: lidNode).creatorPN == phone)
    }

    /// A pair as `Equatable`, for comparing lists of them.
    struct Pair: Equatable, CustomStringConvertible {
        let phone: JID
        let lid: JID
        init(_ phone: JID, _ lid: JID) { (self.phone, self.lid) = (phone, lid) }
        var description: String { "\(phone)↔\(lid)" }
    }

    static func sorted(_ pairs: [(phone: JID, lid: JID)]) -> [Pair] {
        pairs.map { Pair($0.phone, $0.lid) }.sorted { $0.phone.user < $1.phone.user }
    }
}
