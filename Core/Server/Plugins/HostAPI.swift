import Foundation
import Hummingbird
import Logging
import WagoPluginABI
import WagoStore

/// Builds the `wago_host_api` table a plugin receives in `on_init`. One table per plugin, so
/// `host` identifies the caller; tables live for the process, like plugins.
enum HostAPI {
    static func makeTable(for context: PluginContext) -> UnsafePointer<wago_host_api> {
        var api = wago_host_api()
        api.header = wago_header(
            magic: WAGO_ABI_MAGIC, abi_version: WAGO_ABI_VERSION,
            struct_size: UInt32(MemoryLayout<wago_host_api>.size), reserved: 0)
        api.host = OpaquePointer(Unmanaged.passRetained(context).toOpaque())

        api.log = { host, level, message in
            PluginContext.from(host)?.log(level: level, message: message.string)
        }

        api.respond_json = { responder, status, data in
            HostAPI.answer(responder, status) { .json(status: $0, data: data.bytes) }
        }
        api.respond_error = { responder, status, message in
            HostAPI.answer(responder, status) { .error(APIError($0, message.string)) }
        }
        api.respond_raw = { responder, status, contentType, body in
            HostAPI.answer(responder, status) { .raw(status: $0, contentType: contentType.string, body: body.array) }
        }

        api.send_message = { host, session, _, _, _, done, context in
            HostAPI.unavailable(host, session, done, context)
        }
        api.send_iq = { host, session, _, _, done, context in HostAPI.unavailable(host, session, done, context) }
        api.send_node = { host, session, _, done, context in HostAPI.unavailable(host, session, done, context) }
        api.upload_media = { host, session, _, _, done, context in HostAPI.unavailable(host, session, done, context) }
        api.download_media = { host, session, _, done, context in HostAPI.unavailable(host, session, done, context) }
        api.apply_app_state = { host, session, _, done, context in HostAPI.unavailable(host, session, done, context) }
        api.resolve_users = { host, session, _, done, context in HostAPI.unavailable(host, session, done, context) }

        api.emit_event = { host, session, type, json in
            guard let plugin = PluginContext.from(host) else { return wago_status(WAGO_ERR_INVALID_ARGUMENT) }
            guard !type.string.isEmpty else { return wago_status(WAGO_ERR_INVALID_ARGUMENT) }
            plugin.services.events.emit(session: session.string, type: type.string, json: json.string)
            return wago_status(WAGO_OK)
        }

        api.kv_get = { host, session, key, visit, context in
            HostAPI.storage(host) { plugin in
                guard let value = try plugin.services.values.value(
                    plugin: plugin.plugin, session: session.string, key: key.string)
                else { return wago_status(WAGO_ERR_NOT_FOUND) }
                withBorrowedBytes(value) { visit?(context, $0) }
                return wago_status(WAGO_OK)
            }
        }
        api.kv_set = { host, session, key, value in
            HostAPI.storage(host) { plugin in
                try plugin.services.values.setValue(
                    Data(value.array), plugin: plugin.plugin, session: session.string, key: key.string)
                return wago_status(WAGO_OK)
            }
        }
        api.kv_delete = { host, session, key in
            HostAPI.storage(host) { plugin in
                let removed = try plugin.services.values.removeValue(
                    plugin: plugin.plugin, session: session.string, key: key.string)
                return wago_status(removed ? WAGO_OK : WAGO_ERR_NOT_FOUND)
            }
        }

        let table = UnsafeMutablePointer<wago_host_api>.allocate(capacity: 1)
        table.initialize(to: api)
        return UnsafePointer(table)
    }

    private static func answer(
        _ responder: OpaquePointer?, _ status: UInt16, _ reply: (HTTPResponse.Status) -> PluginReply
    ) -> wago_status {
        let responders = ResponderTable.shared
        guard (200...599).contains(status) else {
            let invalid = PluginReply.error(.internalError("the plugin answered with invalid HTTP status \(status)"))
            _ = responders.answer(responder, with: invalid)
            return wago_status(WAGO_ERR_INVALID_ARGUMENT)
        }
        return responders.answer(responder, with: reply(HTTPResponse.Status(code: Int(status))))
    }

    private static func unavailable(
        _ host: OpaquePointer?, _ session: wago_str, _ done: wago_completion?, _ context: UnsafeMutableRawPointer?
    ) {
        let (status, message) = PluginContext.from(host)?.whatsAppUnavailable(session: session.string)
            ?? (wago_status(WAGO_ERR_INVALID_ARGUMENT), "invalid host handle")
        withBorrowedBytes(Array(message.utf8)) { done?(context, status, $0) }
    }

    private static func storage(_ host: OpaquePointer?, _ body: (PluginContext) throws -> wago_status) -> wago_status {
        guard let plugin = PluginContext.from(host) else { return wago_status(WAGO_ERR_INVALID_ARGUMENT) }
        do {
            return try body(plugin)
        } catch {
            plugin.services.logger.error("plugin storage failed", metadata: ["plugin": .string(plugin.plugin), "error": "\(error)"])
            return wago_status(WAGO_ERR_INTERNAL)
        }
    }
}
