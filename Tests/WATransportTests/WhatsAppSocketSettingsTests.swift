import Testing
import WASocket
import WATransport

struct WhatsAppSocketSettingsTests {
    @Test func defaultsReachWhatsApp() throws {
        let settings = try WhatsAppSocketSettings(environment: [:])
        #expect(settings.url == "wss://web.whatsapp.com/ws/chat")
        #expect(settings.rootKey == CertificateChainVerifier.whatsAppRootKey)
        #expect(settings.caFile == nil)
    }

    @Test func environmentPointsAtASandbox() throws {
        let settings = try WhatsAppSocketSettings(environment: [
            "WAGO_WA_URL": "ws://127.0.0.1:1338/ws/chat",
            "WAGO_WA_ROOT_KEY": String(repeating: "ab", count: 32),
        ])
        #expect(settings.url == "ws://127.0.0.1:1338/ws/chat")
        #expect(settings.rootKey == [UInt8](repeating: 0xAB, count: 32))
    }

    @Test func invalidSettingsNameTheVariable() {
        #expect(throws: SettingsError.invalid("WAGO_WA_ROOT_KEY", "must be 32 bytes in hex (64 digits)")) {
            try WhatsAppSocketSettings(environment: ["WAGO_WA_ROOT_KEY": "abcd"])
        }
        #expect(throws: SettingsError.invalid("WAGO_WA_URL", "must start with wss:// or ws://")) {
            try WhatsAppSocketSettings(environment: ["WAGO_WA_URL": "https://example.invalid"])
        }
        #expect(throws: SettingsError.invalid("WAGO_CA_FILE", "cannot read /nonexistent/ca.pem")) {
            try WhatsAppSocketSettings(environment: ["WAGO_CA_FILE": "/nonexistent/ca.pem"])
        }
    }

    @Test func backoffGrowsWithJitterUpToTheCap() {
        let backoff = ReconnectBackoff(initialDelay: .seconds(1), maxDelay: .seconds(60))
        for failures in 0..<30 {
            let ceiling = min(Duration.seconds(60), .seconds(1) * (1 << min(failures, 20)))
            let delay = backoff.delay(afterFailures: failures)
            #expect(delay >= .zero && delay <= ceiling)
        }
    }
}
