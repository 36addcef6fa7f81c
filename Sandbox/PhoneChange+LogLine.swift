import Foundation
import WABinary

/// `PhoneChange` as a line of the phones' `AppendOnlyLog`, written by hand into bytes: the phones log
/// a change for every message they take, and `JSONEncoder` (then concatenating the line as a
/// `String`) cost more than the rest of logging it. The object is
/// the one `JSONEncoder` writes for the type (`Data` as base64, nil fields left out), so
/// `AppendOnlyLog.replay` reads it with `JSONDecoder`, like lines written before.
extension PhoneChange {
    var logLine: Data {
        var json = LogLineBytes()
        json.append(#"{"phone":"#)
        json.appendQuoted(phone)
        if let session {
            json.append(#","session":{"address":"#)
            json.appendQuoted(session.address)
            json.append(#","record":"#)
            json.appendBase64(session.record)
            json.append(#","identity":"#)
            json.appendBase64(session.identity)
            if let consumed = session.consumedPreKey { json.append(#","consumedPreKey":\#(consumed)"#) }
            json.append("}")
        }
        if let groupKeys {
            json.append(#","groupKeys":{"group":"#)
            json.appendQuoted(groupKeys.group)
            if let senderKey = groupKeys.senderKey {
                json.append(#","senderKey":"#)
                json.appendQuoted(senderKey)
            }
            if let record = groupKeys.record {
                json.append(#","record":"#)
                json.appendBase64(record)
            }
            json.append(#","forgetsHolders":\#(groupKeys.forgetsHolders),"addedHolders":["#)
            for (index, holder) in groupKeys.addedHolders.enumerated() {
                if index > 0 { json.append(",") }
                json.appendQuoted(holder)
            }
            json.append("]}")
        }
        if let received {
            json.append(#","received":{"id":"#)
            json.appendQuoted(received.id)
            json.append(#","from":"#)
            json.appendQuoted(received.from)
            json.append(#","chat":"#)
            json.appendQuoted(received.chat)
            json.append(#","timestamp":\#(received.timestamp),"message":"#)
            json.appendBase64(received.message)
            json.append("}")
        }
        json.append("}\n")
        return Data(json.bytes)
    }
}

/// The UTF-8 bytes of a log line being written.
private struct LogLineBytes {
    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(512)
    }

    /// Appends `text` as it is (JSON punctuation, field names, numbers).
    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `data` as a base64 JSON string (base64 needs no escaping).
    mutating func appendBase64(_ data: Data) {
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: data.base64EncodedData())
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `text` as a JSON string literal.
    mutating func appendQuoted(_ text: String) {
        append(text.jsonQuoted)
    }
}
