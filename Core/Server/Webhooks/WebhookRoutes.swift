import Foundation
import Hummingbird
import WagoStore

/// `POST /webhook` and `GET /webhook`: the session's webhook URL, its body format and signing
/// secret, and its event subscription.
struct WebhookRoutes {
    let sessions: SessionRegistry
    let urlPolicy: OutboundURLPolicy
    let bodyLimit: Int

    func register(on routes: inout CoreRouteTable) {
        routes.add(.post, "/webhook", auth: .session) { request, context, caller in
            let record = try caller.session
            let body = try await JSONBody.read(request, context: context, limit: bodyLimit)
            let url = try urlPolicy.validate(body.requiredString("WebhookURL"), field: "WebhookURL").absoluteString
            let format = try body.string("Format").map(Self.format) ?? record.webhookFormat
            let forwardsMedia = try body.bool("ForwardMedia") ?? record.webhookForwardsMedia
            // The secret is made once and kept when the URL or format changes, so receivers
            // need not be reconfigured.
            let secret = record.webhookSecret.isEmpty ? SessionRoutes.generateToken() : record.webhookSecret
            let updated = try sessions.update(record) { store, record in
                try store.setWebhook(url: url, format: format, secret: secret, id: record.id)
                try store.setWebhookForwardsMedia(forwardsMedia, id: record.id)
                record.webhookURL = url
                record.webhookForwardsMedia = forwardsMedia
                record.webhookFormat = format
                record.webhookSecret = secret
            }
            return try Envelope.success(["webhook": updated.webhookURL])
        }
        routes.add(.get, "/webhook", auth: .session) { _, _, caller in
            let record = try caller.session
            return try Envelope.success(
                WebhookSettings(
                    webhook: record.webhookURL, subscribe: record.subscribe, Format: record.webhookFormat.rawValue,
                    Secret: record.webhookSecret, ForwardMedia: record.webhookForwardsMedia))
        }
    }

    private static func format(_ text: String) throws -> WebhookFormat {
        guard let format = WebhookFormat(rawValue: text.lowercased()) else {
            throw APIError.badRequest("Format must be \"form\" or \"json\", not \"\(text)\"")
        }
        return format
    }
}

/// `GET /webhook`: WaGo's `webhook` and `subscribe`, plus the delivery format, the key of
/// the `X-Hmac-Signature` header and whether media files are forwarded.
struct WebhookSettings: Encodable {
    var webhook: String
    var subscribe: [String]
    var Format: String
    var Secret: String
    var ForwardMedia: Bool
}
