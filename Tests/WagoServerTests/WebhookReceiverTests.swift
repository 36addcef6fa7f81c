import Testing

/// The test receiver itself: a receiver that cannot bind must fail, not wait forever for a
/// server that never runs (a test restarting its receiver on a port taken meanwhile hung).
struct WebhookReceiverTests {
    @Test func aTakenPortFailsToStart() async throws {
        let running = try await WebhookReceiver()
        #expect(running.port < 32_768, "below the ephemeral range")
        await #expect(throws: WebhookReceiver.ReceiverDidNotStart.self) {
            _ = try await WebhookReceiver(port: running.port)
        }
        await running.stop()
    }
}
