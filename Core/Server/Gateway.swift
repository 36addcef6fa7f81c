import Foundation
import Hummingbird
import Logging
import WagoStore

/// The gateway process: storage, sessions, plugins and the HTTP router, wired together.
public struct Gateway: Sendable {
    public let settings: GatewaySettings
    public let plugins: PluginHost
    let sessions: SessionRegistry
    /// The WhatsApp client of each connected session.
    let clients: SessionClients
    /// Session events: plugins subscribe at load, and so does the webhook outbox.
    let events: EventBus
    /// Queues subscribed events in the webhook outbox and, in `run`, posts them.
    let webhooks: WebhookDispatcher
    /// The router's responder: what the HTTP server calls for each request (benchmarks call
    /// it directly to measure routing without sockets).
    public let responder: RouterResponder<BasicRequestContext>
    let logger: Logger

    /// Opens storage, loads the plugins of `settings.pluginsDirectory` and builds the router.
    /// `pluginFiles` overrides the folder scan (tests and `wago plugin check`); `extraRoutes`
    /// mounts routes of another component on the same port (the embedded sandbox's control API).
    public init(
        settings: GatewaySettings, logger: Logger, pluginFiles: [String]? = nil,
        extraRoutes: (Router<BasicRequestContext>) -> Void = { _ in }
    ) throws {
        // 0700: the folder holds the database and possibly the key file.
        try FileManager.default.createDirectory(
            at: settings.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let masterKey = try SecretBox.loadMasterKey(configured: settings.secretKey, dataDirectory: settings.dataDirectory)
        let secrets = SecretBox(masterKey: masterKey)
        let database = try WagoDatabase(dataDirectory: settings.dataDirectory, secrets: secrets)
        let sessions = try SessionRegistry(store: SessionStore(database: database), secrets: secrets)
        let authenticator = Authenticator(adminToken: settings.adminToken, sessions: sessions)
        let events = EventBus()
        let clients = SessionClients(
            database: database, sessions: sessions, events: events, configuration: settings.whatsApp, logger: logger)

        var core = CoreRouteTable()
        SessionRoutes(sessions: sessions, clients: clients, bodyLimit: settings.maxRequestBodyBytes)
            .register(on: &core)
        SessionLinkRoutes(sessions: sessions, clients: clients, bodyLimit: settings.maxRequestBodyBytes)
            .register(on: &core)
        let urlPolicy = OutboundURLPolicy(allowPrivateAddresses: settings.allowPrivateURLs)
        WebhookRoutes(sessions: sessions, urlPolicy: urlPolicy, bodyLimit: settings.maxRequestBodyBytes)
            .register(on: &core)
        let outbox = WebhookOutbox(database: database)
        let webhooks = try WebhookDispatcher(
            outbox: outbox, sessions: sessions, urlPolicy: urlPolicy, settings: settings.webhooks, logger: logger,
            media: WebhookMediaFetcher(clients: clients, logger: logger))
        events.subscribePayloads(webhooks)
        WebhookAdminRoutes(outbox: outbox, dispatcher: webhooks, bodyLimit: settings.maxRequestBodyBytes)
            .register(on: &core)

        let services = PluginServices(
            sessions: sessions, clients: clients, values: PluginValueStore(database: database), events: events,
            logger: logger, fetcher: try URLFetcher(urlPolicy: urlPolicy))
        let reservedForCore = core.keys.union(ServerRoutes.keys)
            .union(FeatureCatalog.pendingCoreRoutes.map { RouteKey($0.0, $0.1) })
        let plugins = PluginHost.load(
            files: pluginFiles ?? PluginHost.pluginFiles(in: settings.pluginsDirectory),
            enabled: settings.enabledPlugins, reserved: reservedForCore, services: services)
        ServerRoutes(plugins: plugins).register(on: &core)

        self.settings = settings
        self.plugins = plugins
        self.sessions = sessions
        self.clients = clients
        self.events = events
        self.webhooks = webhooks
        self.logger = logger
        let router = Self.buildRouter(core: core, plugins: plugins, authenticator: authenticator, settings: settings)
        extraRoutes(router)
        self.responder = router.buildResponder()
    }

    private static func buildRouter(
        core: CoreRouteTable, plugins: PluginHost, authenticator: Authenticator, settings: GatewaySettings
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: EnvelopeErrorMiddleware())
        var served = Set<RouteKey>()
        for entry in core.entries {
            served.insert(RouteKey(entry.method, entry.path))
            router.on(RouterPath(entry.path), method: entry.method) { request, context in
                try await entry.handler(request, context, authenticator.authenticate(request, as: entry.auth))
            }
        }
        for plugin in plugins.loaded {
            for route in plugin.manifest.routes {
                served.insert(RouteKey(route.method, route.path))
                router.on(RouterPath(route.path), method: route.method) { request, context in
                    let caller = try authenticator.authenticate(request, as: route.auth)
                    return try await plugin.serve(
                        route, request: request, context: context, caller: caller,
                        bodyLimit: settings.maxRequestBodyBytes, timeout: settings.pluginReplyTimeout)
                }
            }
        }
        for manifest in plugins.disabled {
            for route in manifest.routes where served.insert(RouteKey(route.method, route.path)).inserted {
                router.on(RouterPath(route.path), method: route.method) { _, _ -> Response in
                    throw APIError(
                        .notImplemented, "plugin \(manifest.name) is installed but not enabled (add it to WAGO_PLUGINS)")
                }
            }
        }
        let disabled = Set(plugins.disabled.map(\.name))
        let catalogued = FeatureCatalog.pluginRoutes + FeatureCatalog.pendingCoreRoutes.map { ($0.0, $0.1) }
        for (method, path) in catalogued where !served.contains(RouteKey(method, path)) {
            router.on(RouterPath(path), method: method) { _, _ -> Response in
                throw FeatureCatalog.unavailable(method, path, disabled: disabled)
            }
        }
        return router
    }

    /// Serves HTTP until the process is asked to stop, then hangs up every session and shuts
    /// the plugins down. Sessions that were linked reconnect first.
    public func run() async throws {
        await clients.resumeLinkedSessions()
        let app = Application(
            responder: responder,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "wago"),
            logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            group.addTask { try await Self.expireSlowPlugins() }
            group.addTask { await webhooks.run() }
            try await group.next()
            group.cancelAll()
        }
        await clients.stopAll()
        plugins.shutdown()
    }

    /// Answers 504 for requests whose plugin missed `pluginReplyTimeout`.
    static func expireSlowPlugins() async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(1))
            ResponderTable.shared.expire()
        }
    }

    /// The application for in-process tests and benchmarks (HummingbirdTesting).
    public func application() -> some ApplicationProtocol {
        Application(responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }
}
