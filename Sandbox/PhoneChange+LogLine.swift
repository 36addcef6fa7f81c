import Foundation
import WABinary

/// `PhoneChange` as a line of the `PhoneChangeLog`, written by hand: the phones log a change
/// for every message they take, and `JSONEncoder` cost more than the rest of logging it. The
/// object is the one `JSONEncoder` writes for the type (`Data` as base64, nil fields left
/// out), so `PhoneChangeLog.replay` reads it with `JSONDecoder`, like lines written before.
extension PhoneChange {
    var logLine: Data {
        var json = #"{"phone":"# + phone.jsonQuoted
        if let session {
            json += #","session":{"address":"# + session.address.jsonQuoted
            json += #","record":""# + session.record.base64EncodedString()
            json += #"","identity":""# + session.identity.base64EncodedString() + "\""
            if let consumed = session.consumedPreKey { json += #","consumedPreKey":\#(consumed)"# }
            json += "}"
        }
        if let groupKeys {
            json += #","groupKeys":{"group":"# + groupKeys.group.jsonQuoted
            if let senderKey = groupKeys.senderKey { json += #","senderKey":"# + senderKey.jsonQuoted }
            if let record = groupKeys.record { json += #","record":""# + record.base64EncodedString() + "\"" }
            json += #","forgetsHolders":\#(groupKeys.forgetsHolders),"addedHolders":["#
            json += groupKeys.addedHolders.map(\.jsonQuoted).joined(separator: ",") + "]}"
        }
        if let received {
            json += #","received":{"id":"# + received.id.jsonQuoted + #","from":"# + received.from.jsonQuoted
            json += #","chat":"# + received.chat.jsonQuoted + #","timestamp":\#(received.timestamp)"#
            json += #","message":""# + received.message.base64EncodedString() + "\"}"
        }
        json += "}\n"
        return Data(json.utf8)
    }
}
