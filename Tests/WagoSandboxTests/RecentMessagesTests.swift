import Testing
import WAMessaging

/// `RecentMessages`, the bounded memory behind retry receipts and media retries (the client's
/// answer counts and received media messages, the phones' sent messages and files).
struct RecentMessagesTests {
    @Test func keepsTheNewestAndDropsTheOldest() {
        var recent = RecentMessages<String, Int>(capacity: 3)
        for (index, key) in ["a", "b", "c", "d"].enumerated() { recent.insert(index, for: key) }
        #expect(recent.count == 3)
        #expect(recent["a"] == nil)
        #expect(recent["b"] == 1 && recent["c"] == 2 && recent["d"] == 3)
    }

    @Test func puttingAKeyInAgainReplacesItsValueAndMakesItNewest() {
        var recent = RecentMessages<String, Int>(capacity: 2)
        recent.insert(1, for: "a")
        recent.insert(2, for: "b")
        recent.insert(10, for: "a")
        recent.insert(3, for: "c")
        #expect(recent["a"] == 10)
        #expect(recent["b"] == nil)
        #expect(recent["c"] == 3)
        #expect(recent.count == 2)
    }
}
