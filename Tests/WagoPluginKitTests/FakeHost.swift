// A host function table written in Swift, standing in for the server: it records what the
// plugin answers, logs and stores, so the SDK can be tested without loading a library.

import Synchronization
import WagoPluginABI

/// What a request was answered with, and how many times (the SDK must answer exactly once).
final class FakeResponder: Sendable {
    struct Answer: Equatable, Sendable {
        var kind: String  // "json", "error" or "raw"
        var status: UInt16
        var contentType = ""
        var body: String
    }

    private let state = Mutex<(answers: [Answer], waiter: CheckedContinuation<Answer, Never>?)>(([], nil))

    var answerCount: Int { state.withLock { $0.answers.count } }

    func record(_ answer: Answer) -> wago_status {
        let waiter = state.withLock { state in
            state.answers.append(answer)
            defer { state.waiter = nil }
            return state.answers.count == 1 ? state.waiter : nil
        }
        waiter?.resume(returning: answer)
        return wago_status(state.withLock { $0.answers.count } == 1 ? WAGO_OK : WAGO_ERR_ALREADY_DONE)
    }

    /// The first answer, once it arrives.
    func answer() async -> Answer {
        await withCheckedContinuation { continuation in
            let answered = state.withLock { state -> Answer? in
                if let first = state.answers.first { return first }
                state.waiter = continuation
                return nil
            }
            if let answered { continuation.resume(returning: answered) }
        }
    }

    static func from(_ handle: OpaquePointer?) -> FakeResponder {
        Unmanaged<FakeResponder>.fromOpaque(UnsafeRawPointer(handle!)).takeUnretainedValue()
    }
}

enum FakeHost {
    static let logLines = Mutex<[String]>([])
    static let storage = Mutex<[String: [UInt8]]>([:])

    /// A complete v1.0 table, minus `resolve_users` (to test an unsupported service).
    nonisolated(unsafe) static let table: UnsafePointer<wago_host_api> = {  // immutable once built
        let table = UnsafeMutablePointer<wago_host_api>.allocate(capacity: 1)
        table.initialize(to: makeTable())
        return UnsafePointer(table)
    }()
}

func text(_ value: wago_str) -> String {
    value.len == 0 ? "" : String(decoding: UnsafeRawBufferPointer(start: value.ptr, count: value.len), as: UTF8.self)
}

func bytes(_ value: wago_bytes) -> [UInt8] {
    value.len == 0 ? [] : Array(UnsafeBufferPointer(start: value.ptr, count: value.len))
}

private func complete(_ done: wago_completion?, _ context: UnsafeMutableRawPointer?, _ status: Int, _ result: String) {
    var result = result
    result.withUTF8 { done!(context, wago_status(status), wago_bytes(ptr: $0.baseAddress, len: $0.count)) }
}

/// send_message completes at once for a message starting with "now", with an error for one
/// starting with "fail", and otherwise later from another thread.
private func makeTable() -> wago_host_api {
    var api = wago_host_api()
    api.header = wago_header(
        magic: WAGO_ABI_MAGIC, abi_version: WAGO_ABI_VERSION, struct_size: UInt32(MemoryLayout<wago_host_api>.size), reserved: 0)
    api.log = { _, level, message in FakeHost.logLines.withLock { $0.append("\(level) \(text(message))") } }
    api.respond_json = { responder, status, data in
        FakeResponder.from(responder).record(.init(kind: "json", status: status, body: text(data)))
    }
    api.respond_error = { responder, status, message in
        FakeResponder.from(responder).record(.init(kind: "error", status: status, body: text(message)))
    }
    api.respond_raw = { responder, status, contentType, body in
        FakeResponder.from(responder).record(
            .init(kind: "raw", status: status, contentType: text(contentType), body: bytes(body).map(String.init).joined(separator: ",")))
    }
    api.send_message = { _, session, chat, message, _, done, context in
        let reply = #"{"ID":"\#(text(message))","Chat":"\#(text(chat))","Session":"\#(text(session))"}"#
        if text(message).hasPrefix("now") { return complete(done, context, Int(WAGO_OK), reply) }
        if text(message).hasPrefix("fail") { return complete(done, context, Int(WAGO_ERR_NOT_CONNECTED), "not logged in") }
        nonisolated(unsafe) let context = context
        Task.detached { complete(done, context, Int(WAGO_OK), reply) }
    }
    api.emit_event = { _, session, type, json in
        FakeHost.logLines.withLock { $0.append("emit \(text(type)) \(text(session)) \(text(json))") }
        return wago_status(WAGO_OK)
    }
    api.kv_get = { _, session, key, visit, context in
        guard let value = FakeHost.storage.withLock({ $0[text(session) + "/" + text(key)] }) else {
            return wago_status(WAGO_ERR_NOT_FOUND)
        }
        value.withUnsafeBufferPointer { visit!(context, wago_bytes(ptr: $0.baseAddress, len: $0.count)) }
        return wago_status(WAGO_OK)
    }
    api.kv_set = { _, session, key, value in
        FakeHost.storage.withLock { $0[text(session) + "/" + text(key)] = bytes(value) }
        return wago_status(WAGO_OK)
    }
    api.kv_delete = { _, session, key in
        FakeHost.storage.withLock { $0[text(session) + "/" + text(key)] = nil }
        return wago_status(WAGO_OK)
    }
    // Any URL holds "hello" (base64 aGVsbG8=), as text.
    api.fetch_url = { _, _, _, maxBytes, done, context in
        guard maxBytes == 0 || maxBytes >= 5 else {
            return complete(done, context, Int(WAGO_ERR_INVALID_ARGUMENT), "the response body is larger than \(maxBytes) bytes")
        }
        complete(done, context, Int(WAGO_OK), #"{"ContentType":"text/plain","Data":"aGVsbG8="}"#)
    }
    return api
}
