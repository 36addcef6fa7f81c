import Testing
@testable import WagoMessaging

@Suite("Recent statuses")
struct RecentStatusesTests {
    let delivered = MessageStatusBook.Entry(status: .delivered, timestamp: 1_764_226_800)

    @Test("a write that lands after its session logged out does not bring an entry back, until it connects")
    func writeAfterLogout() {
        var recent = RecentStatuses()
        recent.remember(delivered, for: "A", session: "ana")
        recent.remember(delivered, for: "B", session: "bia")
        recent.forget(session: "ana")
        #expect(recent.entry("A", session: "ana") == nil)
        // A receipt that was under way when Ana logged out lands now.
        recent.remember(delivered, for: "C", session: "ana")
        #expect(recent.entry("C", session: "ana") == nil)
        #expect(!recent.holds(session: "ana"))
        #expect(recent.entry("B", session: "bia")?.status == .delivered)

        recent.connected(session: "ana")
        recent.remember(delivered, for: "D", session: "ana")
        #expect(recent.entry("D", session: "ana")?.status == .delivered)
    }
}
