import WagoPluginKit

/// What the status book reads of a ReadReceipt event (whatsmeow's `events.Receipt`), read
/// with `JSONScanner`, which passes over the rest of the event without building it: every
/// receipt of every sent message comes through here. A member that is null or absent is nil;
/// one of another type, or a malformed event, is an error.
struct ReceiptEventFields {
    let isFromMe: Bool?
    let type: String?
    let messageIDs: [String]?

    init(json: String) throws {
        var (isFromMe, type, messageIDs): (Bool?, String?, [String]?) = (nil, nil, nil)
        var scanner = JSONScanner(json)
        try scanner.readObjectDocument { key, value in
            switch key {
            case "IsFromMe": isFromMe = try value.null() ? nil : value.bool()
            case "Type": type = try value.null() ? nil : value.string()
            case "MessageIDs": messageIDs = try value.null() ? nil : value.strings()
            default: break
            }
        }
        (self.isFromMe, self.type, self.messageIDs) = (isFromMe, type, messageIDs)
    }
}
