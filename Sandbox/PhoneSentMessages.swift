import WAMessaging
import WAProto

/// What the virtual phones sent lately, by phone and message id, so that a phone can encrypt a
/// message again for a device that asks with a retry receipt. In memory, as whatsmeow keeps them.
actor PhoneSentMessages {
    private var recent = RecentMessages<String, WAE2E_Message>(capacity: 4096)

    func remember(_ message: WAE2E_Message, id: String, by phone: String) {
        recent.insert(message, for: "\(phone) \(id)")
    }

    func message(_ id: String, by phone: String) -> WAE2E_Message? {
        recent["\(phone) \(id)"]
    }
}
