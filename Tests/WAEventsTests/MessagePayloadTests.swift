import Foundation
import SwiftProtobuf
import Testing
import WABinary
import WAEvents
import WAProto
import WagoTestSupport

/// The `Message`/`Newsletter` payloads: metadata from the stanza (the message source as the
/// payload states it), content from the decrypted protobuf bytes, unwrapped by `MessageEvent`.
@Suite struct MessagePayloadTests {
    /// sha256("14h"), the option Bob chose (message-poll-vote's notes).
    static let votedOptionHash = Data(hex: "d466f1e0ffa9d6982bbaa0044318ab670c8794dff0c7137a9998a5fba118a834")!

    @Test(arguments: EventVectors.ids(prefix: "message-"))
    func payloadMatchesVector(id: String) throws {
        let vector = try EventVectors.case(id)
        let stanza = try EventVectors.stanza(vector)
        let event = MessageEvent(info: try Self.info(vector, stanza), rawMessage: try Self.rawMessage(vector, stanza))
        let vote = id == "message-poll-vote" ? [UInt8](Self.votedOptionHash) : nil
        let payload = try #require(try WebhookPayload(.message(event, decryptedVote: vote)))
        expectJSON(payload.json, try EventVectors.expectedJSON(vector))
        #expect(payload.type == vector["wago_type"] as? String)
    }

    @Test func eventJSONIsTheEventMember() throws {
        let vector = try EventVectors.case("message-text-pn")
        let stanza = try EventVectors.stanza(vector)
        let event = MessageEvent(info: try Self.info(vector, stanza), rawMessage: try Self.rawMessage(vector, stanza))
        let payload = try #require(try WebhookPayload(.message(event)))
        #expect(payload.eventJSON == (try event.goJSON()))
        #expect(payload.json == Array("{\"event\":".utf8) + payload.eventJSON + Array(",\"type\":\"Message\"}".utf8))
    }

    /// The message-context info copied into an unwrapped message lands in `RawMessage` too,
    /// where Go's shared pointer puts it.
    @Test func contextInfoCopiedIntoUnwrappedMessageAppearsInRawMessage() throws {
        var raw = WAE2E_Message()
        raw.ephemeralMessage.message.conversation = "oi"
        raw.messageContextInfo.messageSecret = Data([1, 2, 3])
        let event = MessageEvent(info: MessageInfo(), rawMessage: raw)
        #expect(event.isEphemeral)
        #expect(event.message?.messageContextInfo.messageSecret == Data([1, 2, 3]))
        #expect(event.rawMessage?.ephemeralMessage.message.messageContextInfo.messageSecret == Data([1, 2, 3]))
    }

    @Test func viewOnceV2ExtensionSetsEveryViewOnceFlag() {
        var raw = WAE2E_Message()
        raw.viewOnceMessageV2Extension.message.audioMessage.ptt = true
        let event = MessageEvent(info: MessageInfo(), rawMessage: raw)
        #expect(event.isViewOnce && event.isViewOnceV2 && event.isViewOnceV2Extension)
        #expect(event.message?.audioMessage.ptt == true)
    }

    /// Metadata: the source as the payload states it, everything else from the stanza.
    static func info(_ vector: [String: Any], _ stanza: Node) throws -> MessageInfo {
        let expected = try #require(try EventVectors.event(vector)["Info"] as? [String: Any])
        var info = MessageInfo()
        info.source = try EventVectors.source(expected)
        info.id = stanza["id"]?.description ?? ""
        info.serverID = Int(stanza["server_id"]?.description ?? "") ?? 0
        info.type = stanza["type"]?.description ?? ""
        info.pushName = stanza["notify"]?.description ?? ""
        let zone = TimeZone(identifier: vector["id"] as? String == "message-text-pn-tz-sao-paulo" ? "America/Sao_Paulo" : "UTC")!
        info.timestamp = try EventVectors.time(stanza, "t", zone: zone)
        info.mediaType = stanza.child(tagged: "enc")?["mediatype"]?.description ?? ""
        info.edit = stanza["edit"]?.description ?? ""
        return info
    }

    /// The decrypted `waE2E.Message`: the recorded plaintext, or a newsletter's `<plaintext>`.
    static func rawMessage(_ vector: [String: Any], _ stanza: Node) throws -> WAE2E_Message {
        let input = try #require(vector["input"] as? [String: Any])
        if let hex = input["plaintext_message_hex"] as? String {
            return try WAE2E_Message(serializedBytes: try #require(Data(hex: hex)))
        }
        guard case .bytes(let bytes) = try #require(stanza.child(tagged: "plaintext")).content else {
            throw EventVectors.Malformed(description: "newsletter plaintext has no bytes")
        }
        return try WAE2E_Message(serializedBytes: bytes)
    }
}
