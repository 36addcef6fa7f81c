import Testing
import WABinary
import WAMessaging

/// LIDs on the wire: the usync query that asks for them and its answer, the other identities a
/// received stanza names (whatsmeow's `parseMessageSource`), and where a 1:1 send goes.
@Suite("LID addressing")
struct LIDAddressingTests {
    let phone = JID(user: "5511987654321", server: JID.userServer)
    let lid = JID(user: "201234567890123", server: JID.lidServer)
    let unknown = JID(user: "5511900000000", server: JID.userServer)

    @Test("a usync with <lid/> asks as whatsmeow's GetUserInfo and reads each user's LID back")
    func usyncRoundTrip() throws {
        let request = DeviceListQuery.request(users: [phone, unknown], lid: true, sid: "1")
        let usync = try #require(request.child(tagged: "usync"))
        #expect(usync["mode"]?.description == "full")
        #expect(usync["context"]?.description == "background")
        #expect(usync.child(tagged: "query")?.children.map(\.tag) == ["devices", "lid"])
        #expect(DeviceListQuery.asksForLID(request))
        #expect(!DeviceListQuery.asksForLID(DeviceListQuery.request(users: [phone], sid: "1")))
        #expect(DeviceListQuery.request(users: [phone], sid: "1").child(tagged: "usync")?["context"]?.description == "message")

        let answer = DeviceListQuery.answer(
            to: request, deviceIDs: { $0 == phone ? [0, 3] : [] }, lid: { $0 == phone ? lid : nil })
        let users = try #require(answer.child(tagged: "usync")?.child(tagged: "list")?.children)
        #expect(users.first?.child(tagged: "lid")?["val"]?.jid == lid)
        #expect(users.last?.child(tagged: "lid")?.attributes.isEmpty == true, "an unknown number gets an empty <lid/>")
        #expect(try DeviceListQuery.lids(in: answer) == [phone: lid])
        #expect(try DeviceListQuery.devices(in: answer) == [phone, JID(user: phone.user, server: JID.userServer, device: 3)])
        // A plain device-list query gets no <lid> children.
        let plain = DeviceListQuery.answer(to: DeviceListQuery.request(users: [phone], sid: "2"), deviceIDs: { _ in [0] })
        #expect(try DeviceListQuery.lids(in: plain).isEmpty)
        // LID users' device lists are LID devices.
        let lidAnswer = DeviceListQuery.answer(to: DeviceListQuery.request(users: [lid], sid: "3"), deviceIDs: { _ in [0, 2] })
        #expect(try DeviceListQuery.devices(in: lidAnswer) == [lid, JID(user: lid.user, server: JID.lidServer, device: 2)])
        #expect(throws: MessagingError.self) { try DeviceListQuery.lids(in: Node(tag: "iq")) }
    }

    @Test("a LID-addressed group's <group> names members by LID with phone_number and reads back (parseGroupNode)")
    func lidGroupNode() throws {
        let group = JID(user: "120363000000000001", server: JID.groupServer)
        let otherLID = JID(user: "201234567890124", server: JID.lidServer)
        let otherPhone = JID(user: "5511987654322", server: JID.userServer)
        let lidGroup = GroupMetadata(
            jid: group, subject: "LID", creator: lid, participants: [lid, otherLID], admins: [lid], superAdmins: [lid],
            addressingMode: "lid", participantAlternatives: [lid: phone, otherLID: otherPhone])
        let node = GroupInfoQuery.groupNode(of: lidGroup)
        #expect(node["addressing_mode"]?.description == "lid")
        #expect(node.children.first?["jid"]?.jid == lid)
        #expect(node.children.first?["phone_number"]?.jid == phone)
        let read = try GroupInfoQuery.metadata(ofGroup: node)
        #expect(read == lidGroup)
        #expect(read.isLIDAddressed)
        // A phone-number group names each member's LID as `lid`, and no addressing mode.
        let pnGroup = GroupMetadata(
            jid: group, subject: "PN", creator: phone, participants: [phone], participantAlternatives: [phone: lid])
        let pnNode = GroupInfoQuery.groupNode(of: pnGroup)
        #expect(pnNode["addressing_mode"] == nil)
        #expect(pnNode.children.first?["lid"]?.jid == lid)
        #expect(try GroupInfoQuery.metadata(ofGroup: pnNode) == pnGroup)
        #expect(!pnGroup.isLIDAddressed)
    }

    @Test("a LID sender's sender_pn is its SenderAlt, on the sender's device (events.json message-text-lid)")
    func lidSender() {
        let from = JID(user: lid.user, server: JID.lidServer, device: 4)
        let stanza = Node(tag: "message", attributes: ["from": .jid(from), "sender_pn": .jid(phone)])
        let addressing = MessageAddressing(of: stanza, sender: from, chat: lid, isFromMe: false)
        #expect(addressing == MessageAddressing(senderAlt: JID(user: phone.user, server: JID.userServer, device: 4)))
        let mapping = addressing.mapping(sender: from, chat: lid)
        #expect(mapping?.phone == phone && mapping?.lid == lid)
        // A phone-number sender's alternative is sender_lid; sender_pn is not read then.
        let byPhone = Node(tag: "message", attributes: ["sender_lid": .jid(lid), "sender_pn": .jid(unknown)])
        #expect(MessageAddressing(of: byPhone, sender: phone, chat: phone, isFromMe: false).senderAlt == lid)
    }

    @Test("our own messages carry the chat's other identity as RecipientAlt (message-text-from-own-phone)")
    func ownMessage() {
        let stanza = Node(tag: "message", attributes: ["peer_recipient_lid": .jid(lid), "peer_recipient_pn": .jid(unknown)])
        let addressing = MessageAddressing(of: stanza, sender: unknown, chat: phone, isFromMe: true)
        #expect(addressing == MessageAddressing(recipientAlt: lid))
        let mapping = addressing.mapping(sender: unknown, chat: phone)
        #expect(mapping?.phone == phone && mapping?.lid == lid)
        let inLIDChat = Node(tag: "message", attributes: ["peer_recipient_pn": .jid(phone)])
        #expect(MessageAddressing(of: inLIDChat, sender: unknown, chat: lid, isFromMe: true).recipientAlt == phone)
    }

    @Test("group messages read participant_pn in LID mode and participant_lid otherwise")
    func groups() {
        let group = JID(user: "120363000000000001", server: JID.groupServer)
        let lidMode = Node(tag: "message", attributes: ["addressing_mode": "lid", "participant_pn": .jid(phone)])
        #expect(
            MessageAddressing(of: lidMode, sender: lid, chat: group, isFromMe: false)
                == MessageAddressing(mode: "lid", senderAlt: phone))
        let pnMode = Node(tag: "message", attributes: ["addressing_mode": "pn", "participant_lid": .jid(lid)])
        #expect(MessageAddressing(of: pnMode, sender: phone, chat: group, isFromMe: false).senderAlt == lid)
        #expect(MessageAddressing(of: Node(tag: "message"), sender: phone, chat: group, isFromMe: false) == MessageAddressing())
    }

    @Test("a phone-number sender decrypts as the LID its stanza names, else as the stored one (decryptMessages)")
    func decryptionIdentity() async throws {
        let own = JID(user: "5511999990000", server: JID.userServer, device: 3)
        let ownLID = JID(user: "209876543210987", server: JID.lidServer, device: 3)
        let group = JID(user: "120363000000000001", server: JID.groupServer)
        let stored: @Sendable (JID) async throws -> JID? = { $0 == phone ? lid : $0.user == own.user ? ownLID : nil }
        func decryption(_ attributes: Attributes) async throws -> LIDDecryption? {
            var stanza = Node(tag: "message", attributes: attributes)
            stanza.attributes["id"] = "1"
            return try await LIDDecryption.of(stanza, ownUser: own, ownLID: ownLID, storedLID: stored)
        }
        let phoneDevice = JID(user: phone.user, server: JID.userServer, device: 4)
        let lidDevice = JID(user: lid.user, server: JID.lidServer, device: 4)
        let otherLID = JID(user: "201234567890999", server: JID.lidServer)

        // 1:1: the stanza's sender_lid first (on the sender's device), else the stored LID.
        #expect(
            try await decryption(["from": .jid(phoneDevice), "sender_lid": .jid(otherLID)])
                == LIDDecryption(phone: phoneDevice, lid: JID(user: otherLID.user, server: JID.lidServer, device: 4)))
        #expect(try await decryption(["from": .jid(phoneDevice)]) == LIDDecryption(phone: phoneDevice, lid: lidDevice))
        #expect(try await decryption(["from": .jid(unknown)]) == nil, "no LID known")
        // A LID sender decrypts as itself; so do Meta AI's numbers.
        #expect(try await decryption(["from": .jid(lidDevice), "sender_pn": .jid(phone)]) == nil)
        let bot = JID(user: "13135550002", server: JID.userServer)
        #expect(try await decryption(["from": .jid(bot), "sender_lid": .jid(lid)]) == nil)
        #expect(LIDDecryption.isBot(JID(user: "13165550012", server: JID.userServer)))
        #expect(!LIDDecryption.isBot(JID(user: "13135550002", server: JID.userServer, device: 1)))
        #expect(!LIDDecryption.isBot(JID(user: "131355500021", server: JID.userServer)))
        // Our own devices: no alternative 1:1 (sender_lid is not read), our LID from the store.
        let ownPhone = JID(user: own.user, server: JID.userServer)
        #expect(
            try await decryption(["from": .jid(ownPhone), "recipient": .jid(phone), "sender_lid": .jid(otherLID)])
                == LIDDecryption(phone: ownPhone, lid: JID(user: ownLID.user, server: JID.lidServer)))
        // Groups: participant_lid of a phone-number participant, in a phone-number group.
        #expect(
            try await decryption(["from": .jid(group), "participant": .jid(phoneDevice), "participant_lid": .jid(otherLID)])
                == LIDDecryption(phone: phoneDevice, lid: JID(user: otherLID.user, server: JID.lidServer, device: 4)))
        #expect(
            try await decryption(["from": .jid(group), "participant": .jid(phoneDevice)])
                == LIDDecryption(phone: phoneDevice, lid: lidDevice))
        await #expect(throws: MessagingError.self) { try await decryption(["from": .jid(group)]) }
    }

    @Test("devices notifications carry the LID side, and cached LID lists follow them")
    func lidDeviceLists() async throws {
        let lidDevices = [lid, JID(user: lid.user, server: JID.lidServer, device: 2)]
        let added = JID(user: lid.user, server: JID.lidServer, device: 5)
        let addedByPhone = JID(user: phone.user, server: JID.userServer, device: 5)
        let notification = DeviceNotification(
            user: phone, change: .add, device: addedByPhone, deviceHash: "2:AAAAAAAA", lid: lid, lidDevice: added,
            lidDeviceHash: ParticipantHash.of(lidDevices + [added]))
        let node = notification.node(id: "1")
        #expect(node["lid"]?.jid == lid)
        #expect(node.children.first?["device_lid_hash"]?.description == notification.lidDeviceHash)
        #expect(try DeviceNotification(node) == notification)

        let cache = UserDevicesCache()
        let fetched = try await cache.devices(of: [lid]) { _ in lidDevices }
        #expect(fetched == lidDevices)
        await cache.apply(notification)
        #expect(try await cache.devices(of: [lid]) { _ in [] } == lidDevices + [added], "the LID list followed")
        var removal = notification
        removal.change = .remove
        removal.lidDeviceHash = ParticipantHash.of(lidDevices)
        await cache.apply(removal)
        #expect(try await cache.devices(of: [lid]) { _ in [] } == lidDevices)
        // A notification without the LID device, or with another hash, drops the LID list.
        removal.lidDevice = nil
        await cache.apply(removal)
        #expect(try await cache.devices(of: [lid]) { _ in [lid] } == [lid], "asked the server again")
    }

    @Test("sends to a phone number go to its LID from our LID, with peer_recipient_pn; else by phone number")
    func resolve() async throws {
        let own = JID(user: "5511999990000", server: JID.userServer, device: 2)
        let ownLID = JID(user: "209876543210987", server: JID.lidServer, device: 2)
        let known: @Sendable (JID) async throws -> JID? = { $0 == phone ? lid : nil }
        let knownPhone: @Sendable (JID) async throws -> JID? = { $0 == lid ? phone : nil }

        let toLID = try await LIDAddressing.resolve(phone, ownDevice: own, ownLIDDevice: ownLID, lid: known, phone: knownPhone)
        #expect(toLID == LIDAddressing(recipient: lid, ownDevice: ownLID, peerRecipientPN: phone))
        let stanza = toLID.addressed(Node(tag: "message", attributes: ["to": .jid(lid)]))
        #expect(stanza["peer_recipient_pn"]?.jid == phone)

        let noLID = try await LIDAddressing.resolve(unknown, ownDevice: own, ownLIDDevice: ownLID, lid: known, phone: knownPhone)
        #expect(noLID == LIDAddressing(recipient: unknown, ownDevice: own))
        #expect(noLID.addressed(Node(tag: "message")).attributes.isEmpty)
        let withoutOwnLID = try await LIDAddressing.resolve(phone, ownDevice: own, ownLIDDevice: nil, lid: known, phone: knownPhone)
        #expect(withoutOwnLID == LIDAddressing(recipient: phone, ownDevice: own))
        let lidChat = try await LIDAddressing.resolve(lid, ownDevice: own, ownLIDDevice: ownLID, lid: known, phone: knownPhone)
        #expect(lidChat == LIDAddressing(recipient: lid, ownDevice: ownLID, peerRecipientPN: phone))
    }
}
