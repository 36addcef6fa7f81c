import Foundation
import Logging
import WAClient
import WagoPluginABI
import WagoStore

/// What the host table's functions reach: shared by every plugin.
struct PluginServices: Sendable {
    let sessions: SessionRegistry
    let clients: SessionClients
    let values: PluginValueStore
    let events: EventBus
    let logger: Logger
    /// `fetch_url`: GETs under the server's outbound URL policy.
    let fetcher: URLFetcher
}

/// The object behind one plugin's `wago_host *`: its name scopes storage and log lines.
final class PluginContext: Sendable {
    let plugin: String
    let services: PluginServices

    init(plugin: String, services: PluginServices) {
        self.plugin = plugin
        self.services = services
    }

    /// The context a plugin passed back as `wago_host *`. Contexts are retained for the life
    /// of the process, like the plugins themselves.
    static func from(_ host: OpaquePointer?) -> PluginContext? {
        host.map { Unmanaged<PluginContext>.fromOpaque(UnsafeRawPointer($0)).takeUnretainedValue() }
    }

    /// The session's logged-in client, for the host table's WhatsApp services.
    /// - Throws: `HostServiceError` NOT_FOUND for an id that names no session, NOT_CONNECTED
    ///   while the session has no logged-in client.
    func loggedInClient(session: String) async throws(HostServiceError) -> WhatsAppClient {
        guard let record = services.sessions.session(id: session) else {
            throw HostServiceError(WAGO_ERR_NOT_FOUND, "no session with id \"\(session)\"")
        }
        guard let client = await services.clients.client(of: record), await client.status.loggedIn else {
            throw HostServiceError(
                WAGO_ERR_NOT_CONNECTED,
                "session \"\(record.name)\" is not connected to WhatsApp; call POST /session/connect")
        }
        return client
    }

    func log(level: Int32, message: String) {
        let logger = services.logger
        let text: Logger.Message = "\(message)"
        let metadata: Logger.Metadata = ["plugin": .string(plugin)]
        switch level {
        case Int32(WAGO_LOG_DEBUG.rawValue): logger.debug(text, metadata: metadata)
        case Int32(WAGO_LOG_WARNING.rawValue): logger.warning(text, metadata: metadata)
        case Int32(WAGO_LOG_ERROR.rawValue): logger.error(text, metadata: metadata)
        default: logger.info(text, metadata: metadata)
        }
    }
}

extension wago_str {
    /// A copy of the borrowed text; invalid UTF-8 is repaired rather than trusted.
    var string: String {
        guard let ptr, len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: ptr, count: len), as: UTF8.self)
    }

    /// A copy of the borrowed bytes, as they are.
    var bytes: [UInt8] {
        guard let ptr, len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: ptr, count: len))
    }
}

extension wago_bytes {
    var array: [UInt8] {
        guard let ptr, len > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: ptr, count: len))
    }

    /// A copy of the borrowed bytes, made once (not through an array).
    var data: Data {
        guard let ptr, len > 0 else { return Data() }
        return Data(bytes: ptr, count: len)
    }
}

/// Hands `bytes` to a plugin callback as a BORROWED wago_bytes.
func withBorrowedBytes<R>(_ bytes: some ContiguousBytes, _ body: (wago_bytes) -> R) -> R {
    bytes.withUnsafeBytes { raw in
        body(wago_bytes(ptr: raw.bindMemory(to: UInt8.self).baseAddress, len: raw.count))
    }
}
