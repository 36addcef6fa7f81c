import Foundation
import Testing
import WagoTestSupport

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
}

/// The exact `jsonData` of an events.json vector.
func eventVector(_ id: String) throws -> String {
    let cases = try #require(try SharedData.json("vectors/events.json")["cases"] as? [[String: Any]])
    return try #require(cases.first { $0["id"] as? String == id }?["json_data"] as? String, "vector \(id)")
}
