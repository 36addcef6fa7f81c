import Foundation
import Hummingbird
import WagoStore

/// `GET /server/webhooks` and `POST /server/webhooks/retry` (admin): what the outbox holds,
/// and a way to send dead deliveries again once their receiver is fixed.
struct WebhookAdminRoutes {
    let outbox: WebhookOutbox
    let dispatcher: WebhookDispatcher
    let bodyLimit: Int
    /// Dead rows listed at most (the oldest first); `Counts` has the total.
    var deadListLimit = 1000

    func register(on routes: inout CoreRouteTable) {
        routes.add(.get, "/server/webhooks", auth: .admin) { _, _, _ in
            let counts = try await Self.storage { try await outbox.counts() }
            let dead = try await Self.storage { try await outbox.dead(limit: deadListLimit) }
            return try Envelope.success(
                OutboxReport(
                    Counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }),
                    Dead: dead.map(OutboxReport.Delivery.init)))
        }
        routes.add(.post, "/server/webhooks/retry", auth: .admin) { request, context, _ in
            let body = try await JSONBody.read(request, context: context, limit: bodyLimit)
            let ids = try body.stringList("Ids")
            let requeued = try await Self.storage { try await outbox.requeue(ids: ids) }
            dispatcher.wake()
            return try Envelope.success(["Requeued": requeued])
        }
    }

    private static func storage<T>(_ read: () async throws -> T) async throws -> T {
        do {
            return try await read()
        } catch {
            throw APIError.internalError("webhook outbox: \(error)")
        }
    }
}

/// `GET /server/webhooks`: rows per state, and the dead deliveries.
struct OutboxReport: Encodable {
    struct Delivery: Encodable {
        var id: String
        var session: String
        var type: String
        var attempts: Int
        var lastError: String
        /// RFC 3339, UTC.
        var createdAt: String

        init(_ delivery: WebhookDelivery) {
            id = delivery.id
            session = delivery.session
            type = delivery.type
            attempts = delivery.attempts
            lastError = delivery.lastError
            createdAt = delivery.createdAt.formatted(.iso8601)
        }

        enum CodingKeys: String, CodingKey {
            case id = "Id", session = "Session", type = "Type", attempts = "Attempts", lastError = "LastError"
            case createdAt = "CreatedAt"
        }
    }

    var Counts: [String: Int]
    var Dead: [Delivery]
}
