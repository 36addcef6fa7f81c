import Foundation
import Hummingbird
import WagoStore

/// `POST /webhook` and `GET /webhook`: the session's webhook URL and its event subscription.
struct WebhookRoutes {
    let sessions: SessionRegistry
    let urlPolicy: OutboundURLPolicy
    let bodyLimit: Int

    func register(on routes: inout CoreRouteTable) {
        routes.add(.post, "/webhook", auth: .session) { request, context, caller in
            let record = try caller.session
            let body = try await JSONBody.read(request, context: context, limit: bodyLimit)
            let url = try urlPolicy.validate(body.requiredString("WebhookURL"), field: "WebhookURL").absoluteString
            let updated = try sessions.update(record) { store, record in
                try store.setWebhookURL(url, id: record.id)
                record.webhookURL = url
            }
            return try Envelope.success(["webhook": updated.webhookURL])
        }
        routes.add(.get, "/webhook", auth: .session) { _, _, caller in
            let record = try caller.session
            return try Envelope.success(WebhookSettings(webhook: record.webhookURL, subscribe: record.subscribe))
        }
    }
}

struct WebhookSettings: Encodable {
    var webhook: String
    var subscribe: [String]
}
