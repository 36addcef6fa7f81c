import Foundation
import Testing
import WagoTestSupport
@testable import WagoServer

extension WebhookReceiver {
    /// The `jsonData` field of each form delivery received, in order.
    var jsonData: [String] {
        received.compactMap { request in
            WebhookOutboxTests.formFields(request.body)?.first { $0.0 == "jsonData" }?.1
        }
    }

    /// The received `jsonData` objects whose `type` is `type`, parsed.
    func events(ofType type: String) -> [[String: Any]] {
        jsonData.compactMap { text in
            (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
        }.filter { $0["type"] as? String == type }
    }

    /// The received `jsonData` objects whose `type` is `type` once `condition` holds for them,
    /// polled as `world.waitUntil` polls (an issue is recorded when it never holds; then
    /// the last ones seen are returned).
    func events(
        ofType type: String, in world: LinkingWorld, until condition: ([[String: Any]]) -> Bool
    ) async throws -> [[String: Any]] {
        var seen: [[String: Any]] = []
        try await world.waitUntil {
            seen = events(ofType: type)
            return condition(seen)
        }
        return seen
    }

    /// Runs `body` in a sandbox world (`LinkingWorld.run`) whose sessions may post their
    /// webhooks to a new receiver on loopback, the gateway delivering them all along; then
    /// stops the world's clients, and the receiver.
    static func withLinkingWorld(_ body: (LinkingWorld, WebhookReceiver) async throws -> Void) async throws {
        let receiver = try await WebhookReceiver()
        do {
            try await LinkingWorld.run(allowPrivateURLs: true) { world in
                try await world.deliveringWebhooks { try await body(world, receiver) }
                await world.gateway.gateway.clients.stopAll()
            }
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
    }
}

/// The exact `jsonData` of an events.json vector.
func eventVector(_ id: String) throws -> String {
    let cases = try #require(try SharedData.json("vectors/events.json")["cases"] as? [[String: Any]])
    return try #require(cases.first { $0["id"] as? String == id }?["json_data"] as? String, "vector \(id)")
}
