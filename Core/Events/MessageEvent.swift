import WAProto

/// `events.Message`: a received message, its metadata, and the content unwrapped from the
/// wrappers phones put around it.
public struct MessageEvent: Sendable, GoJSONEncodable {
    public var info: MessageInfo
    /// The content with wrappers removed (see `init(info:rawMessage:)`).
    public var message: WAE2E_Message?
    public var isEphemeral = false
    public var isViewOnce = false
    public var isViewOnceV2 = false
    public var isViewOnceV2Extension = false
    public var isDocumentWithCaption = false
    public var isLottieSticker = false
    public var isBotInvoke = false
    public var isEdit = false
    /// The history-sync or re-requested `WebMessageInfo` this event was made from.
    public var sourceWebMessage: WAWeb_WebMessageInfo?
    public var unavailableRequestID = ""
    public var retryCount = 0
    public var newsletterMeta: NewsletterMessageMeta?
    /// The content as decrypted, wrappers included.
    public var rawMessage: WAE2E_Message?

    /// The event for `rawMessage`, unwrapped as whatsmeow's `UnwrapRaw` does: a
    /// `deviceSentMessage` fills `info.deviceSentMeta`; then `botInvokeMessage`,
    /// `ephemeralMessage`, `viewOnceMessage`, `viewOnceMessageV2`, `viewOnceMessageV2Extension`,
    /// `lottieStickerMessage`, `documentWithCaptionMessage` and `editedMessage` are each
    /// removed in that order, setting their flag. When the unwrapped content lacks
    /// `messageContextInfo` and the raw message has one, it is copied in, and, because in Go
    /// the unwrapped message is the same object as the one inside `RawMessage`, into
    /// `rawMessage` at that place too.
    public init(info: MessageInfo, rawMessage: WAE2E_Message) {
        var info = info
        var content = rawMessage
        var path: WritableKeyPath<WAE2E_Message, WAE2E_Message> = \.self
        if content.hasDeviceSentMessage && content.deviceSentMessage.hasMessage {
            let sent = content.deviceSentMessage
            info.deviceSentMeta = DeviceSentMeta(destinationJID: sent.destinationJid, phash: sent.phash)
            content = sent.message
            path = path.appending(path: \.deviceSentMessage.message)
        }
        self.info = info
        let wrappers: [Wrapper] = [
            (\.botInvokeMessage, \.hasBotInvokeMessage, \.isBotInvoke),
            (\.ephemeralMessage, \.hasEphemeralMessage, \.isEphemeral),
            (\.viewOnceMessage, \.hasViewOnceMessage, \.isViewOnce),
            (\.viewOnceMessageV2, \.hasViewOnceMessageV2, \.isViewOnceV2),
            (\.viewOnceMessageV2Extension, \.hasViewOnceMessageV2Extension, \.isViewOnceV2Extension),
            (\.lottieStickerMessage, \.hasLottieStickerMessage, \.isLottieSticker),
            (\.documentWithCaptionMessage, \.hasDocumentWithCaptionMessage, \.isDocumentWithCaption),
            (\.editedMessage, \.hasEditedMessage, \.isEdit),
        ]
        for (wrapper, isPresent, flag) in wrappers
        where content[keyPath: isPresent] && content[keyPath: wrapper].hasMessage {
            content = content[keyPath: wrapper].message
            path = path.appending(path: wrapper.appending(path: \.message))
            self[keyPath: flag] = true
        }
        // The view-once flags imply the older ones, as in whatsmeow.
        isViewOnceV2 = isViewOnceV2 || isViewOnceV2Extension
        isViewOnce = isViewOnce || isViewOnceV2
        var raw = rawMessage
        if !content.hasMessageContextInfo && rawMessage.hasMessageContextInfo {
            content.messageContextInfo = rawMessage.messageContextInfo
            raw[keyPath: path].messageContextInfo = rawMessage.messageContextInfo
        }
        self.message = content
        self.rawMessage = raw
    }

    /// A `FutureProofMessage` wrapper: the field, whether it is set, and the flag it sets.
    private typealias Wrapper = (
        WritableKeyPath<WAE2E_Message, WAE2E_FutureProofMessage>, KeyPath<WAE2E_Message, Bool>,
        WritableKeyPath<MessageEvent, Bool>
    )

    public func encodeGoJSON(to writer: inout GoJSONWriter) throws(GoJSONError) {
        try writer.object { writer throws(GoJSONError) in
            try writer.field("Info", info)
            try writer.field("Message", message: message)
            try writer.field("IsEphemeral", isEphemeral)
            try writer.field("IsViewOnce", isViewOnce)
            try writer.field("IsViewOnceV2", isViewOnceV2)
            try writer.field("IsViewOnceV2Extension", isViewOnceV2Extension)
            try writer.field("IsDocumentWithCaption", isDocumentWithCaption)
            try writer.field("IsLottieSticker", isLottieSticker)
            try writer.field("IsBotInvoke", isBotInvoke)
            try writer.field("IsEdit", isEdit)
            try writer.field("SourceWebMsg", message: sourceWebMessage)
            try writer.field("UnavailableRequestID", unavailableRequestID)
            try writer.field("RetryCount", retryCount)
            try writer.field("NewsletterMeta", newsletterMeta)
            try writer.field("RawMessage", message: rawMessage)
        }
    }
}
