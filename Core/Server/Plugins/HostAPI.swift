import Foundation
import Hummingbird
import Logging
import WABinary
import WAClient
import WAMedia
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

        api.send_message = { host, session, chat, message, options, done, context in
            let (chat, message, options) = (chat.string, message.string, options.string)
            HostAPI.withClient(host, session, done, context) { client throws(HostServiceError) in
                let request = try MessageRequest(chat: chat, message: message, options: options)
                let sent: WhatsAppClient.SentMessage
                do {
                    sent = try await client.send(request.message, to: request.chat, id: request.id)
                } catch {
                    throw HostServiceError(error)
                }
                return Array(#"{"ID":"\#(sent.id)","Timestamp":\#(Int(sent.timestamp.timeIntervalSince1970))}"#.utf8)
            }
        }
        api.send_iq = { host, session, node, timeout, done, context in
            let node = node.string
            HostAPI.withClient(host, session, done, context) { client throws(HostServiceError) in
                let iq = try HostAPI.node(node)
                do {
                    let answer = try await client.sendIQ(iq, timeout: .milliseconds(timeout == 0 ? 75_000 : Int(timeout)))
                    return Array(answer.jsonData())
                } catch {
                    throw HostServiceError(error)
                }
            }
        }
        api.send_node = { host, session, node, done, context in
            let node = node.string
            HostAPI.withClient(host, session, done, context) { client throws(HostServiceError) in
                let stanza = try HostAPI.node(node)
                do {
                    try await client.sendNode(stanza)
                } catch {
                    throw HostServiceError(error)
                }
                return Array("{}".utf8)
            }
        }
        api.upload_media = { host, session, mediaType, data, done, context in
            let (mediaType, data) = (mediaType.string, data.array)
            HostAPI.withClient(host, session, done, context) { client throws(HostServiceError) in
                guard let type = MediaType(name: mediaType) else {
                    throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "media_type \"\(mediaType)\" is not a media type")
                }
                do {
                    let uploaded = try await client.upload(data, type: type)
                    return Array(uploaded.info.uploadResultJSON(url: uploaded.url, directPath: uploaded.directPath).utf8)
                } catch {
                    throw HostServiceError(error)
                }
            }
        }
        api.download_media = { host, session, message, done, context in
            let message = message.bytes
            HostAPI.withClient(host, session, done, context) { client throws(HostServiceError) in
                let reference: MediaMessageReference
                do {
                    reference = try MediaMessageReference(json: Data(message))
                } catch {
                    throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "media_message_json: \(error)")
                }
                do {
                    return try await client.download(
                        directPath: reference.directPath, info: reference.info, type: reference.impliedType ?? .document)
                } catch {
                    throw HostServiceError(error)
                }
            }
        }
        api.apply_app_state = { _, _, _, done, context in HostAPI.unsupported(done, context) }
        api.resolve_users = { _, _, _, done, context in HostAPI.unsupported(done, context) }

        api.emit_event = { host, session, type, json in
            guard let plugin = PluginContext.from(host) else { return wago_status(WAGO_ERR_INVALID_ARGUMENT) }
            guard !type.string.isEmpty else { return wago_status(WAGO_ERR_INVALID_ARGUMENT) }
            do {
                try plugin.services.events.emitFromPlugin(session: session.string, type: type.string, json: json.string)
                return wago_status(WAGO_OK)
            } catch {
                plugin.services.logger.error(
                    "could not queue a plugin's event", metadata: ["plugin": .string(plugin.plugin), "error": "\(error)"])
                return wago_status(WAGO_ERR_INTERNAL)
            }
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
                    value.data, plugin: plugin.plugin, session: session.string, key: key.string)
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

        api.fetch_url = { host, session, url, maxBytes, done, context in
            let (session, url) = (session.string, url.string)
            guard let plugin = PluginContext.from(host) else {
                withBorrowedBytes(Array("invalid host handle".utf8)) {
                    done?(context, wago_status(WAGO_ERR_INVALID_ARGUMENT), $0)
                }
                return
            }
            let completion = Completion(done: done, context: context)
            Task {
                do throws(HostServiceError) {
                    if !session.isEmpty, plugin.services.sessions.session(id: session) == nil {
                        throw HostServiceError(WAGO_ERR_NOT_FOUND, "no session with id \"\(session)\"")
                    }
                    completion.finish(wago_status(WAGO_OK), try await plugin.services.fetcher.fetch(url, maxBytes: maxBytes))
                } catch {
                    completion.finish(error.status, Array(error.message.utf8))
                }
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

    /// Runs a WhatsApp service for a plugin on the session's logged-in client and completes
    /// with its result, or with the status and message of its failure.
    private static func withClient(
        _ host: OpaquePointer?, _ session: wago_str, _ done: wago_completion?, _ context: UnsafeMutableRawPointer?,
        _ service: @escaping @Sendable (WhatsAppClient) async throws(HostServiceError) -> [UInt8]
    ) {
        guard let plugin = PluginContext.from(host) else {
            withBorrowedBytes(Array("invalid host handle".utf8)) { done?(context, wago_status(WAGO_ERR_INVALID_ARGUMENT), $0) }
            return
        }
        let session = session.string
        // The context pointer is the plugin's; it promises it stays valid until `done` runs.
        let completion = Completion(done: done, context: context)
        Task {
            do throws(HostServiceError) {
                let result = try await service(try await plugin.loggedInClient(session: session))
                completion.finish(wago_status(WAGO_OK), result)
            } catch {
                completion.finish(error.status, Array(error.message.utf8))
            }
        }
    }

    /// A node from a plugin's JSON form.
    private static func node(_ json: String) throws(HostServiceError) -> Node {
        do {
            return try Node(json: Data(json.utf8))
        } catch {
            throw HostServiceError(WAGO_ERR_INVALID_ARGUMENT, "node_json is not a node: \(error)")
        }
    }

    /// The services this host does not offer yet (app state, user lookups).
    private static func unsupported(_ done: wago_completion?, _ context: UnsafeMutableRawPointer?) {
        withBorrowedBytes(Array("this host does not offer this service yet".utf8)) {
            done?(context, wago_status(WAGO_ERR_UNSUPPORTED), $0)
        }
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

/// A plugin's completion callback and its context, carried to the task that finishes the call.
/// Unchecked: the ABI has the plugin keep `context` valid until `done` runs, on any thread.
private struct Completion: @unchecked Sendable {
    let done: wago_completion?
    let context: UnsafeMutableRawPointer?

    func finish(_ status: wago_status, _ result: [UInt8]) {
        withBorrowedBytes(result) { done?(context, status, $0) }
    }
}
