/// An `InteractiveMessage` as current WhatsApp clients (and whatsmeow/Baileys senders) build
/// them: a header (title, subtitle, maybe media), a body, a footer and native-flow buttons;
/// or, for carousels, cards that are interactive messages themselves.
struct InteractiveMessage {
    var title: String?
    var subtitle: String?
    /// A media message for the header: (`imageMessage`|`videoMessage`|`documentMessage`, object).
    var headerMedia: (field: String, value: [String: Any])?
    var body: String
    var footer: String?
    var buttons: [NativeFlowButton] = []

    /// The `InteractiveMessage` object (protobuf JSON).
    func json() throws -> [String: Any] {
        var message = frame()
        message["nativeFlowMessage"] = ["buttons": try buttons.map { try $0.json() }, "messageVersion": 1]
        return message
    }

    /// The message to send: in a view-once envelope with device-list metadata, where current
    /// clients put interactive messages.
    func content() throws -> MessageContent {
        Self.enveloped(try json())
    }

    /// A carousel: `body` above horizontally scrolling `cards`.
    static func carousel(body: String, footer: String?, cards: [InteractiveMessage]) throws -> MessageContent {
        var message = InteractiveMessage(body: body, footer: footer).frame()
        message["carouselMessage"] = ["cards": try cards.map { try $0.json() }, "messageVersion": 1]
        return enveloped(message)
    }

    /// Header, body and footer.
    private func frame() -> [String: Any] {
        var header: [String: Any] = ["hasMediaAttachment": headerMedia != nil]
        if let title, !title.isEmpty { header["title"] = title }
        if let subtitle, !subtitle.isEmpty { header["subtitle"] = subtitle }
        if let headerMedia { header[headerMedia.field] = headerMedia.value }
        var message: [String: Any] = ["header": header, "body": ["text": body]]
        if let footer, !footer.isEmpty { message["footer"] = ["text": footer] }
        return message
    }

    private static func enveloped(_ interactive: [String: Any]) -> MessageContent {
        MessageContent(
            "interactiveMessage", interactive, envelope: .viewOnce,
            messageContextInfo: ["deviceListMetadata": [String: Any](), "deviceListMetadataVersion": 2])
    }
}
