import Testing
@testable import WagoMessaging
import WagoPluginKit

@Suite("Receipt event fields and the host's send answer")
struct ReceiptEventFieldsTests {
    @Test("a receipt event's three fields, in any order, among others")
    func receiptFields() throws {
        let event = """
            {"Chat":"5511999990001@s.whatsapp.net","MessageIDs":["3EB0A1","3EB0\\u0042"],"IsFromMe":false,
            "Sender":{"User":"x","Device":0},"Timestamp":"2026-11-27T07:00:00Z","Type":"read","MessageSender":""}
            """
        let fields = try ReceiptEventFields(json: event)
        #expect(fields.isFromMe == false && fields.type == "read" && fields.messageIDs == ["3EB0A1", "3EB0B"])
    }

    @Test("keys written with escapes are the same keys")
    func escapedKeys() throws {
        let fields = try ReceiptEventFields(json: #"{"\u0054ype":"read","Is\u0046romMe":false,"MessageID\u0073":["A"],"Typ":"x"}"#)
        #expect(fields.isFromMe == false && fields.type == "read" && fields.messageIDs == ["A"])
    }

    @Test("null or absent fields are nil; a field of another type or a malformed event is an error")
    func receiptNulls() throws {
        let fields = try ReceiptEventFields(json: #"{"IsFromMe":null,"Type":""}"#)
        #expect(fields.isFromMe == nil && fields.type == "" && fields.messageIDs == nil)
        #expect(throws: JSONScanner.Malformed.self) { try ReceiptEventFields(json: #"{"IsFromMe":"false"}"#) }
        #expect(throws: JSONScanner.Malformed.self) { try ReceiptEventFields(json: #"{"MessageIDs":[null]}"#) }
        #expect(throws: JSONScanner.Malformed.self) { try ReceiptEventFields(json: #"{"Type":"read""#) }
    }

    @Test("the host's send_message answer: its ID, and its Timestamp when it is a number")
    func sentMessageReply() throws {
        let reply = try #require(SentMessageReply(json: #"{"ID":"3EB0\"X","Timestamp":1764226800}"#))
        #expect(reply.id == #"3EB0"X"# && reply.timestamp == 1_764_226_800)
        #expect(SentMessageReply(json: #"{"Timestamp":"soon","ID":"A"}"#)?.timestamp == nil)
        #expect(SentMessageReply(json: #"{"ID":7}"#) == nil)
        #expect(SentMessageReply(json: #"{"Timestamp":1}"#) == nil)
        #expect(SentMessageReply(json: #"{"ID":"A""#) == nil)
    }
}
