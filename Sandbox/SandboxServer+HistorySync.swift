import Hummingbird

/// The control API's history route: what history blobs a virtual phone sent its companions.
extension SandboxServer {
    nonisolated func addHistorySyncRoutes(to router: Router<BasicRequestContext>) {
        router.get("/sandbox/historysync") { request, context in
            await self.answer(request, context, readingBody: false) { _ throws(ControlError) in
                guard let phone = request.uri.queryParameters["Phone"].map(String.init), !phone.isEmpty else {
                    throw .badRequest("missing Phone in query")
                }
                return Self.json(SentHistorySyncReply(sent: try await self.historySync.sent(by: phone)))
            }
        }
    }
}
