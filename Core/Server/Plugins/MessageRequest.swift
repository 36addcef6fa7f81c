import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WagoPluginABI

/// The arguments of the host's `send_message`, checked: a chat JID, a WAE2E.Message in the
/// protobuf JSON mapping, and options (`{"ID":"..."}`).
struct MessageRequest {
    let chat: JID
    let message: WAE2E_Message
    let id: String?

    init(chat: String, message: String, options: String) throws(HostServiceError) {
        do {
            self.chat = try JID(parsing: chat)
        } catch {
            throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "chat_jid \"\(chat)\" is not a JID: \(error)")
        }
        do {
            self.message = try WAE2E_Message(jsonString: message)
        } catch {
            throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "message_json is not a WAE2E.Message: \(error)")
        }
        guard !options.isEmpty else {
            id = nil
            return
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(options.utf8)) as? [String: Any] else {
            throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "options_json must be a JSON object")
        }
        switch object["ID"] {
        case nil: id = nil
        case let id as String where !id.isEmpty: self.id = id
        default: throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "options_json ID must be a non-empty string")
        }
    }
}
