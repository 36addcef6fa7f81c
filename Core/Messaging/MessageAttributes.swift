import WABinary
import WAProto

/// What a `<message>` stanza says about its content besides the ciphertext, derived from the
/// message as whatsmeow does (`getTypeFromMessage`, `getEditAttribute`, `getMediaTypeFromMessage`),
/// so the server and the recipients can treat edits, revokes and media without decrypting.
public enum MessageAttributes {
    /// The stanza `type`: reaction, poll, media or text; wrappers (view once, ephemeral,
    /// document with caption) take their inner message's type.
    public static func stanzaType(of message: WAE2E_Message) -> String {
        if let inner = wrapped(in: message) { return stanzaType(of: inner) }
        if message.hasReactionMessage || message.hasEncReactionMessage { return "reaction" }
        if message.hasPollCreationMessage || message.hasPollCreationMessageV2 || message.hasPollCreationMessageV3
            || message.hasPollUpdateMessage
        {
            return "poll"
        }
        return mediaType(of: message) == nil ? "text" : "media"
    }

    /// The stanza `edit` attribute: "1" an edit, "2" a pin, "7" the sender's revoke (a deleted
    /// message, a removed reaction, an undone keep), "8" an admin's revoke of another's message;
    /// nil for ordinary messages.
    public static func edit(of message: WAE2E_Message) -> String? {
        if message.hasEditedMessage, message.editedMessage.hasMessage { return edit(of: message.editedMessage.message) }
        if message.hasProtocolMessage, message.protocolMessage.hasKey {
            switch message.protocolMessage.type {
            case .revoke: return message.protocolMessage.key.fromMe ? "7" : "8"
            case .messageEdit where message.protocolMessage.hasEditedMessage: return "1"
            default: return nil
            }
        }
        if message.hasReactionMessage, message.reactionMessage.text.isEmpty { return "7" }
        if message.hasKeepInChatMessage, message.keepInChatMessage.key.fromMe,
            message.keepInChatMessage.keepType == .undoKeepForAll
        {
            return "7"
        }
        if message.hasPinInChatMessage { return "2" }
        return nil
    }

    /// The `mediatype` of the `<enc>` nodes for media messages, nil otherwise.
    public static func mediaType(of message: WAE2E_Message) -> String? {
        if let inner = wrapped(in: message) { return mediaType(of: inner) }
        if message.hasImageMessage { return "image" }
        if message.hasStickerMessage { return "sticker" }
        if message.hasDocumentMessage { return "document" }
        if message.hasAudioMessage { return message.audioMessage.ptt ? "ptt" : "audio" }
        if message.hasVideoMessage { return message.videoMessage.gifPlayback ? "gif" : "video" }
        if message.hasContactMessage { return "vcard" }
        if message.hasContactsArrayMessage { return "contact_array" }
        if message.hasLocationMessage { return "location" }
        if message.hasLiveLocationMessage { return "livelocation" }
        return nil
    }

    /// Attributes of every `<enc>` of the message: `v=2`, `mediatype`, and `decrypt-fail=hide`
    /// for what a recipient that cannot decrypt it should not show a placeholder for.
    public static func encAttributes(of message: WAE2E_Message) -> Attributes {
        var attributes: Attributes = ["v": "2"]
        if let mediaType = mediaType(of: message) { attributes["mediatype"] = .string(mediaType) }
        if edit(of: message) != nil || message.hasReactionMessage || message.hasEncReactionMessage
            || message.hasPollUpdateMessage
        {
            attributes["decrypt-fail"] = "hide"
        }
        return attributes
    }

    /// The nodes that follow the ciphertext: `<meta polltype=creation|vote>` for polls, and for
    /// native-flow interactive messages (buttons, lists, PIX, ...) the `<biz>` node current
    /// WhatsApp apps need to render them, plus `<bot biz_bot=1>` in 1:1 chats. whatsmeow sends
    /// no interactive messages; the `<biz>` shape is the one Baileys-based senders use.
    public static func trailingNodes(of message: WAE2E_Message, to chat: JID) -> [Node] {
        var nodes: [Node] = []
        if message.hasPollCreationMessage || message.hasPollCreationMessageV2 || message.hasPollCreationMessageV3 {
            nodes.append(Node(tag: "meta", attributes: ["polltype": "creation"]))
        }
        if message.hasPollUpdateMessage { nodes.append(Node(tag: "meta", attributes: ["polltype": "vote"])) }
        if let interactive = interactive(in: message) {
            let buttons: [String]
            switch interactive.interactiveMessage {
            case .nativeFlowMessage(let flow): buttons = flow.buttons.map(\.name)
            case .carouselMessage(let carousel): buttons = carousel.cards.flatMap { $0.nativeFlowMessage.buttons.map(\.name) }
            default: buttons = []
            }
            if let payment = buttons.first(where: { ["payment_info", "review_and_pay"].contains($0) }) {
                nodes.append(Node(tag: "biz", attributes: ["native_flow_name": .string(payment)]))
            } else {
                let nativeFlow = Node(tag: "native_flow", attributes: ["v": "9", "name": "mixed"])
                let interactive = Node(
                    tag: "interactive", attributes: ["type": "native_flow", "v": "1"], content: .nodes([nativeFlow]))
                nodes.append(Node(tag: "biz", content: .nodes([interactive])))
            }
            if chat.server == JID.userServer || chat.server == JID.lidServer {
                nodes.append(Node(tag: "bot", attributes: ["biz_bot": "1"]))
            }
        }
        return nodes
    }

    /// The interactive message (buttons, lists, carousels) inside `message`, if it is one.
    private static func interactive(in message: WAE2E_Message) -> WAE2E_InteractiveMessage? {
        if let inner = wrapped(in: message) { return interactive(in: inner) }
        return message.hasInteractiveMessage && message.interactiveMessage.interactiveMessage != nil
            ? message.interactiveMessage : nil
    }

    /// The `<message>` attributes for `to`: id, type, and the edit attribute when there is one.
    static func stanza(id: String, to: JID, message: WAE2E_Message) -> Attributes {
        var attributes: Attributes = ["id": .string(id), "to": .jid(to), "type": .string(stanzaType(of: message))]
        if let edit = edit(of: message) { attributes["edit"] = .string(edit) }
        return attributes
    }

    private static func wrapped(in message: WAE2E_Message) -> WAE2E_Message? {
        if message.hasViewOnceMessage { return message.viewOnceMessage.message }
        if message.hasViewOnceMessageV2 { return message.viewOnceMessageV2.message }
        if message.hasViewOnceMessageV2Extension { return message.viewOnceMessageV2Extension.message }
        if message.hasEphemeralMessage { return message.ephemeralMessage.message }
        if message.hasDocumentWithCaptionMessage { return message.documentWithCaptionMessage.message }
        return nil
    }
}
