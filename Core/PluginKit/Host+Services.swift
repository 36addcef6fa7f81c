// The host's WhatsApp services as async Swift. Each one starts the host call and suspends until
// the host's completion, which arrives exactly once from any thread (maybe before the call
// returns). JSON forms are those of wago_plugin.h and docs/plugin-abi.md.

import WagoPluginABI

extension Host {
    /// Sends a WAProto `Message` (protobuf JSON mapping) to a chat JID.
    /// - Parameter optionsJSON: empty, or `{"ID":"<message id to use>"}`.
    /// - Returns: `{"ID":"...","Timestamp":<unix seconds>}`.
    public func sendMessage(
        session: String, chat: String, messageJSON: String, optionsJSON: String = ""
    ) async throws(HostError) -> String {
        let send = try service(table.api.send_message, "send_message")
        return try await completion { done, context in
            session.withWagoStr { session in
                chat.withWagoStr { chat in
                    messageJSON.withWagoStr { message in
                        optionsJSON.withWagoStr { options in
                            send(table.api.host, session, chat, message, options, done, context)
                        }
                    }
                }
            }
        }.text
    }

    /// Sends an `<iq>` node (JSON form; its id is filled in when absent).
    /// - Returns: the response node, JSON form.
    public func sendIQ(session: String, nodeJSON: String, timeout: Duration = .seconds(75)) async throws(HostError) -> String {
        let send = try service(table.api.send_iq, "send_iq")
        let timeoutMilliseconds = UInt32(clamping: timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        return try await completion { done, context in
            session.withWagoStr { session in
                nodeJSON.withWagoStr { node in send(table.api.host, session, node, timeoutMilliseconds, done, context) }
            }
        }.text
    }

    /// Sends any node (JSON form); returns once it is written to the socket.
    public func sendNode(session: String, nodeJSON: String) async throws(HostError) {
        let send = try service(table.api.send_node, "send_node")
        _ = try await completion { done, context in
            session.withWagoStr { session in
                nodeJSON.withWagoStr { node in send(table.api.host, session, node, done, context) }
            }
        }
    }

    /// Encrypts and uploads media of `mediaType` (`image`, `video`, `audio`, `document`, `sticker`, ...).
    /// - Returns: `{"URL","DirectPath","MediaKey","FileEncSHA256","FileSHA256","FileLength"}`, bytes as base64.
    public func uploadMedia(session: String, mediaType: String, data: [UInt8]) async throws(HostError) -> String {
        let upload = try service(table.api.upload_media, "upload_media")
        return try await completion { done, context in
            session.withWagoStr { session in
                mediaType.withWagoStr { mediaType in
                    data.withWagoBytes { data in upload(table.api.host, session, mediaType, data, done, context) }
                }
            }
        }.text
    }

    /// Downloads and decrypts the media a WAProto media message (JSON, e.g. an `ImageMessage`) describes.
    /// - Returns: the plaintext bytes.
    public func downloadMedia(session: String, mediaMessageJSON: String) async throws(HostError) -> [UInt8] {
        let download = try service(table.api.download_media, "download_media")
        return try await completion { done, context in
            session.withWagoStr { session in
                mediaMessageJSON.withWagoStr { message in download(table.api.host, session, message, done, context) }
            }
        }
    }

    /// Applies an app-state mutation:
    /// `{"Index":[...],"Value":{SyncActionValue JSON},"Collection":"regular_high"|...}`.
    public func applyAppState(session: String, mutationJSON: String) async throws(HostError) {
        let apply = try service(table.api.apply_app_state, "apply_app_state")
        _ = try await completion { done, context in
            session.withWagoStr { session in
                mutationJSON.withWagoStr { mutation in apply(table.api.host, session, mutation, done, context) }
            }
        }
    }

    /// Resolves phone numbers and LIDs: `{"Phones":["5511..."],"LIDs":["123@lid"]}`.
    /// - Returns: `{"Users":[{"Query","JID","LID","IsOnWhatsApp"}]}`.
    public func resolveUsers(session: String, queryJSON: String) async throws(HostError) -> String {
        let resolve = try service(table.api.resolve_users, "resolve_users")
        return try await completion { done, context in
            session.withWagoStr { session in
                queryJSON.withWagoStr { query in resolve(table.api.host, session, query, done, context) }
            }
        }.text
    }

    /// GETs an http(s) URL through the host, under its outbound URL policy (loopback and
    /// private networks are refused unless the server allows them) and size limit.
    /// - Parameters:
    ///   - session: empty, or the session the fetch is for.
    ///   - maxBytes: the longest body accepted; 0 takes the host's limit.
    public func fetchURL(session: String = "", url: String, maxBytes: Int) async throws(HostError) -> FetchedURL {
        let fetch = try service(table.api.fetch_url, "fetch_url")
        let limit = UInt64(clamping: max(0, maxBytes))
        return try FetchedURL.decode(
            try await completion { done, context in
                session.withWagoStr { session in
                    url.withWagoStr { url in fetch(table.api.host, session, url, limit, done, context) }
                }
            })
    }

    /// Publishes an event to the session's subscribers (webhooks, other plugins); the host wraps
    /// `json` as `{"type":type,"event":json}`.
    public func emitEvent(session: String, type: String, json: String) throws(HostError) {
        let emit = try service(table.api.emit_event, "emit_event")
        let status = session.withWagoStr { session in
            type.withWagoStr { type in json.withWagoStr { json in emit(table.api.host, session, type, json) } }
        }
        try check(status, "emit_event")
    }
}

extension Host {
    /// The host function, or `unsupported` when this host's table does not offer it.
    func service<Function>(_ function: Function?, _ name: String) throws(HostError) -> Function {
        guard let function else { throw HostError(.unsupported, "this host does not offer \(name)") }
        return function
    }

    func check(_ status: wago_status, _ name: String) throws(HostError) {
        if status != wago_status(WAGO_OK) { throw HostError(status: status, message: "\(name) failed") }
    }

    /// Starts a completion-style host call and suspends until its completion. `start` must
    /// pass `done` and `context` to the host exactly once.
    func completion(
        _ start: (_ done: wago_completion, _ context: UnsafeMutableRawPointer) -> Void
    ) async throws(HostError) -> [UInt8] {
        let result = await withCheckedContinuation { continuation in
            start(completeService, Unmanaged.passRetained(PendingService(continuation)).toOpaque())
        }
        return try result.get()
    }
}

/// The continuation of a host call in flight, retained until its completion.
private final class PendingService: Sendable {
    let continuation: CheckedContinuation<Result<[UInt8], HostError>, Never>
    init(_ continuation: CheckedContinuation<Result<[UInt8], HostError>, Never>) { self.continuation = continuation }
}

/// The completion every service call passes: copies the BORROWED result and resumes the caller.
private let completeService: wago_completion = { context, status, result in
    guard let context else { return }
    let pending = Unmanaged<PendingService>.fromOpaque(context).takeRetainedValue()
    pending.continuation.resume(
        returning: status == wago_status(WAGO_OK) ? .success(result.array) : .failure(HostError(status: status, message: String(decoding: result.array, as: UTF8.self))))
}

extension [UInt8] {
    /// JSON results are UTF-8 text.
    var text: String { String(decoding: self, as: UTF8.self) }
}
