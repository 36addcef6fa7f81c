import Foundation
import SwiftProtobuf
import WAProto

/// `POST /sandbox/accounts`: the new account's addresses.
struct CreatedAccountReply: Encodable {
    var phone: String
    var jid: String
    var lid: String

    enum CodingKeys: String, CodingKey {
        case phone = "Phone", jid = "JID", lid = "LID"
    }
}

/// `GET /sandbox/accounts`.
struct AccountListReply: Encodable {
    struct Account: Encodable {
        var phone: String
        var pushName: String
        var jid: String
        var lid: String
        var devices: [Device]

        enum CodingKeys: String, CodingKey {
            case phone = "Phone", pushName = "PushName", jid = "JID", lid = "LID", devices = "Devices"
        }
    }

    struct Device: Encodable {
        var jid: String
        var lid: String
        var keyIndex: UInt32
        var name: String
        var platform: String
        var linkedAt: String
        var preKeys: Int
        var connected: Bool

        enum CodingKeys: String, CodingKey {
            case jid = "JID", lid = "LID", keyIndex = "KeyIndex", name = "Name", platform = "Platform"
            case linkedAt = "LinkedAt", preKeys = "PreKeys", connected = "Connected"
        }
    }

    var accounts: [Account]

    enum CodingKeys: String, CodingKey {
        case accounts = "Accounts"
    }
}

/// `POST /sandbox/link`, `/sandbox/paircode` and `/sandbox/unlink`: the companion concerned.
struct DeviceReply: Encodable {
    var deviceJID: String

    enum CodingKeys: String, CodingKey {
        case deviceJID = "DeviceJID"
    }
}

/// `POST /sandbox/send`: the message's id and server time (unix seconds).
struct SentMessageReply: Encodable {
    var id: String
    var timestamp: Int64

    enum CodingKeys: String, CodingKey {
        case id = "ID", timestamp = "Timestamp"
    }
}

/// `GET /sandbox/messages`: `{"Messages":[{"ID","From","Chat","Timestamp","Message"}]}`, each
/// message as the protobuf JSON of its WAE2E.Message (an object, not a string).
struct PhoneMessagesReply {
    var messages: [PhoneMessage]

    var json: String {
        let list: [[String: Any]] = messages.map { message in
            let content = (try? WAE2E_Message(serializedBytes: message.message).jsonString())
                .flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } ?? [String: Any]()
            return [
                "ID": message.id, "From": message.from, "Chat": message.chat, "Timestamp": message.timestamp,
                "Message": content,
            ]
        }
        let data = try? JSONSerialization.data(withJSONObject: ["Messages": list], options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data ?? Data(#"{"Messages":[]}"#.utf8), as: UTF8.self)
    }
}

/// `{"error":"..."}`.
struct ErrorReply: Encodable {
    var error: String
}
