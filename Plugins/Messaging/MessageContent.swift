/// What a send route builds: one WAProto `Message` field (e.g. `locationMessage`) in the
/// protobuf JSON mapping, with what WhatsApp clients put around it. The send path adds the
/// request's ContextInfo to the field itself, where recipients look for quotes and mentions.
struct MessageContent {
    /// Envelopes current clients put some messages in: interactive messages go in a
    /// view-once envelope (older apps ignore what they cannot show), captioned documents in
    /// `documentWithCaptionMessage`.
    enum Envelope: String {
        case viewOnce = "viewOnceMessage"
        case documentWithCaption = "documentWithCaptionMessage"
    }

    /// The `Message` field, e.g. `"imageMessage"`.
    var field: String
    /// That field's object.
    var value: [String: Any]
    var envelope: Envelope?
    /// `Message.messageContextInfo`, beside the field.
    var messageContextInfo: [String: Any]?
    /// The text to send as a bare `conversation` instead when the request has no ContextInfo
    /// (rather than as an `extendedTextMessage`).
    var plainText: String?

    init(_ field: String, _ value: [String: Any], envelope: Envelope? = nil, messageContextInfo: [String: Any]? = nil) {
        (self.field, self.value, self.envelope, self.messageContextInfo) = (field, value, envelope, messageContextInfo)
    }

    /// A text: a plain `conversation`, or an extended text when it carries a context.
    static func text(_ text: String) -> MessageContent {
        var content = MessageContent("extendedTextMessage", ["text": text])
        content.plainText = text
        return content
    }

    /// `message(contextInfo:)` as JSON text; a bare `conversation` is written directly, without
    /// JSONSerialization's cost (~80 k instructions), as most sends are plain texts.
    func messageJSON(contextInfo: [String: Any]?) throws -> String {
        if contextInfo == nil, let plainText { return #"{"conversation":\#(MessagingPlugin.jsonString(plainText))}"# }
        return try MessagingPlugin.jsonText(message(contextInfo: contextInfo))
    }

    /// The `Message` JSON object, with `contextInfo` (protobuf JSON) on the field when given.
    func message(contextInfo: [String: Any]?) -> [String: Any] {
        if contextInfo == nil, let plainText { return ["conversation": plainText] }
        var value = self.value
        if let contextInfo { value["contextInfo"] = contextInfo }
        var message: [String: Any] = [field: value]
        if let messageContextInfo { message["messageContextInfo"] = messageContextInfo }
        guard let envelope else { return message }
        return [envelope.rawValue: ["message": message]]
    }
}
