import Testing
import WABinary
import WATransport

struct StreamErrorTests {
    @Test(arguments: [
        StreamError.restartRequired, .loggedOut, .deviceRemoved, .replaced, .serviceUnavailable, .malformedStanza,
        .other(code: "500", condition: nil),
    ])
    func nodeRoundTrips(_ error: StreamError) {
        #expect(StreamError(error.node) == error)
    }

    /// The shapes whatsmeow's handleStreamError distinguishes.
    @Test func classifiesServerNodes() {
        let conflict = { (type: String) in Node(tag: "conflict", attributes: ["type": .string(type)]) }
        #expect(StreamError(Node(tag: "stream:error", attributes: ["code": "515"])) == .restartRequired)
        #expect(
            StreamError(Node(tag: "stream:error", attributes: ["code": "401"], content: .nodes([conflict("device_removed")])))
                == .deviceRemoved)
        #expect(StreamError(Node(tag: "stream:error", content: .nodes([conflict("replaced")]))) == .replaced)
        #expect(StreamError(Node(tag: "failure")) == nil)
        #expect(!StreamError.replaced.allowsReconnect)
        #expect(StreamError.restartRequired.allowsReconnect)
    }
}
