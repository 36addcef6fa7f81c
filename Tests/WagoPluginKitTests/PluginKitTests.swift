// The Swift SDK end to end through its C surface: the manifest it builds, on_init, and
// requests and events dispatched the way the host dispatches them.

import Glibc
import Synchronization
import Testing
import WagoPluginABI
import WagoPluginKit

struct TestFailure: Error {}

struct KitTestPlugin: WagoPlugin {
    static let name = "kit-test"
    static let version = "1.2.3"
    static let description = "PluginKit tests"
    /// Routes beyond the hand-written ones, alternately inline and suspending, each answering
    /// its number: enough to show that dispatch by route_index has no fixed limit.
    static let generatedRouteCount = 100

    static var routes: [Route] {
        [
            Route(.get, "/kit/inline", auth: .none) { request, _ in
                .json(#"{"Path":"\#(request.path)","X":"\#(request.queryItem("x") ?? "")","Type":"\#(request.header("Content-Type") ?? "")","Id":"\#(request.parameter("id") ?? "")"}"#)
            },
            Route(.post, "/kit/send", auth: .session) { request, host in
                .json(try await host.sendMessage(session: request.session, chat: "1@s.whatsapp.net", messageJSON: request.bodyText))
            },
            Route(.get, "/kit/throw", auth: .none) { _, _ in throw TestFailure() },
            Route(.get, "/kit/not-found", auth: .none) { _, _ in throw HTTPError(404, "no such group") },
            Route(.post, "/kit/count", auth: .session) { request, host in
                let count = (try host.kvGet("count", session: request.session)?.first ?? 0) + 1
                try host.kvSet("count", [count], session: request.session)
                return .raw(status: 201, contentType: "application/octet-stream", body: [count])
            },
            Route(.get, "/kit/resolve", auth: .admin) { request, host in
                .json(try await host.resolveUsers(session: request.session, queryJSON: "{}"))
            },
            Route(.get, "/kit/fetch", auth: .none) { request, host in
                let fetched = try await host.fetchURL(
                    url: request.queryItem("url") ?? "", maxBytes: Int(request.queryItem("max") ?? "") ?? 0)
                return .raw(status: 200, contentType: fetched.contentType, body: fetched.bytes)
            },
        ] + (0..<generatedRouteCount).map { number in
            number.isMultiple(of: 2)
                ? Route(.get, "/kit/generated/\(number)", auth: .none) { _, _ in .json("\(number)") }
                : Route(.get, "/kit/generated/\(number)", auth: .none) { _, _ in await Task.yield(); return .json("\(number)") }
        }
    }

    static var events: [EventSubscription] {
        [
            EventSubscription("Message") { event, host in host.log(.info, "message \(event.session) \(event.json)") },
            EventSubscription("*") { event, host in try host.emitEvent(session: event.session, type: "Seen", json: event.type) },
        ]
    }
}

/// The manifest, initialised once against the fake host, and the state the host keeps.
nonisolated(unsafe) let loaded: (manifest: wago_plugin_manifest, state: UnsafeMutableRawPointer) = {
    let manifest = KitTestPlugin.entry(WAGO_ABI_VERSION)!.pointee
    var state: UnsafeMutableRawPointer?
    var reason = [CChar](repeating: 0, count: 128)
    let status = manifest.on_init!(FakeHost.table, &state, &reason, reason.count)
    precondition(status == wago_status(WAGO_OK), nulTerminated(reason))
    return (manifest, state!)
}()

func nulTerminated(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

var manifestRoutes: UnsafeBufferPointer<wago_route> {
    UnsafeBufferPointer(start: loaded.manifest.routes, count: Int(loaded.manifest.route_count))
}

/// Calls a route the way the host does, with every string BORROWED for the call only.
/// `routeIndex` overrides the route's position in the table, which the host passes.
func call(
    _ path: String, session: String = "", body: String = "", query: [(String, String)] = [],
    headers: [(String, String)] = [], parameters: [(String, String)] = [], routeIndex: UInt32? = nil
) async -> (FakeResponder.Answer, FakeResponder) {
    let index = manifestRoutes.firstIndex { String(cString: $0.path) == path }!
    let route = manifestRoutes[index]
    let responder = FakeResponder()
    var strings: [UnsafeMutablePointer<CChar>] = []
    func borrowed(_ value: String) -> wago_str {
        let copy = strdup(value)!
        strings.append(copy)
        return wago_str(ptr: copy, len: value.utf8.count)
    }
    let pairs = { (items: [(String, String)]) in items.map { wago_pair(name: borrowed($0.0), value: borrowed($0.1)) } }
    let (queryPairs, headerPairs, parameterPairs) = (pairs(query), pairs(headers), pairs(parameters))
    var request = wago_request()
    request.header = wago_header(
        magic: WAGO_ABI_MAGIC, abi_version: WAGO_ABI_VERSION, struct_size: UInt32(MemoryLayout<wago_request>.size), reserved: 0)
    request.method = route.method
    request.route_index = routeIndex ?? UInt32(index)
    request.path = borrowed(path)
    request.session = borrowed(session)
    let bodyText = borrowed(body)
    request.body = wago_bytes(ptr: UnsafeRawPointer(bodyText.ptr)?.assumingMemoryBound(to: UInt8.self), len: bodyText.len)
    queryPairs.withUnsafeBufferPointer { query in
        headerPairs.withUnsafeBufferPointer { headers in
            parameterPairs.withUnsafeBufferPointer { parameters in
                (request.query, request.query_count) = (query.baseAddress, query.count)
                (request.headers, request.header_count) = (headers.baseAddress, headers.count)
                (request.path_params, request.path_param_count) = (parameters.baseAddress, parameters.count)
                route.handler!(loaded.state, &request, OpaquePointer(Unmanaged.passUnretained(responder).toOpaque()))
            }
        }
    }
    for string in strings {  // BORROWED ends here: scribble over it, then free it
        memset(string, 0x2A, strlen(string))
        free(string)
    }
    return (await responder.answer(), responder)
}

@Suite struct ManifestTests {
    @Test func describesThePlugin() {
        let manifest = loaded.manifest
        #expect(manifest.header.magic == WAGO_ABI_MAGIC)
        #expect(manifest.header.abi_version == WAGO_ABI_VERSION)
        #expect(Int(manifest.header.struct_size) == MemoryLayout<wago_plugin_manifest>.size)
        #expect(String(cString: manifest.name) == "kit-test")
        #expect(String(cString: manifest.version) == "1.2.3")
        #expect(String(cString: manifest.description) == "PluginKit tests")
        #expect(String(cString: manifest.runtime_tag) == swiftRuntimeTag)
        #expect(swiftRuntimeTag.hasPrefix("swift-6."))
        #expect(manifest.on_init != nil && manifest.on_shutdown != nil)
    }

    @Test func declaresRoutesInOrder() {
        let routes = manifestRoutes
        let generated = (0..<KitTestPlugin.generatedRouteCount).map { "/kit/generated/\($0)" }
        #expect(routes.map { String(cString: $0.path) } == ["/kit/inline", "/kit/send", "/kit/throw", "/kit/not-found", "/kit/count", "/kit/resolve", "/kit/fetch"]
            + generated)
        #expect(routes.prefix(6).map(\.method) == [1, 2, 1, 1, 2, 1])  // wago_method
        #expect(routes.prefix(6).map(\.auth) == [0, 1, 0, 0, 1, 2])  // wago_auth
        #expect(routes.allSatisfy { Int($0.header.struct_size) == MemoryLayout<wago_route>.size && $0.handler != nil })
        // One C function serves every route: it finds the route by the request's route_index.
        #expect(Set(routes.map { unsafeBitCast($0.handler, to: UnsafeRawPointer.self) }).count == 1)
    }

    @Test func declaresOnlyTheWildcardWhenThereIsOne() {
        // "*" already receives every event; declaring "Message" too would deliver it twice.
        #expect(loaded.manifest.event_count == 1)
        #expect(String(cString: loaded.manifest.events[0].event_type) == "*")
    }

    @Test func entryReturnsTheSameManifestEveryTime() {
        #expect(KitTestPlugin.entry(WAGO_ABI_VERSION) == KitTestPlugin.entry(WAGO_ABI_VERSION))
    }

    @Test func initRefusesAHostTableWithAnotherMajorVersion() {
        var table = FakeHost.table.pointee
        table.header.abi_version = 0x0002_0000
        var state: UnsafeMutableRawPointer?
        var reason = [CChar](repeating: 0, count: 32)
        let status = withUnsafePointer(to: &table) { loaded.manifest.on_init!($0, &state, &reason, reason.count) }
        #expect(status != wago_status(WAGO_OK))
        #expect(state == nil)
        #expect(nulTerminated(reason).utf8.count == 31)  // cut to the buffer, NUL-terminated
    }
}

@Suite struct RouteTests {
    @Test func inlineHandlerSeesACopyOfTheRequest() async {
        let (answer, responder) = await call(
            "/kit/inline", query: [("x", "1")], headers: [("content-type", "application/json")], parameters: [("id", "42")])
        #expect(answer == .init(kind: "json", status: 200, body: #"{"Path":"/kit/inline","X":"1","Type":"application/json","Id":"42"}"#))
        #expect(responder.answerCount == 1)
    }

    @Test(arguments: ["now", "later"])
    func suspendingHandlerAwaitsAHostService(_ message: String) async {
        let (answer, _) = await call("/kit/send", session: "s1", body: message)
        #expect(answer == .init(kind: "json", status: 200, body: #"{"ID":"\#(message)","Chat":"1@s.whatsapp.net","Session":"s1"}"#))
    }

    @Test func failedHostServiceAnswers500WithItsMessage() async {
        let (answer, _) = await call("/kit/send", session: "s1", body: "fail")
        #expect(answer == .init(kind: "error", status: 500, body: "not logged in"))
    }

    @Test func serviceTheHostLacksAnswers500() async {
        let (answer, _) = await call("/kit/resolve")
        #expect(answer == .init(kind: "error", status: 500, body: "this host does not offer resolve_users"))
    }

    @Test func fetchURLDecodesTheHostsResultAndPassesTheLimit() async {
        let (fetched, _) = await call("/kit/fetch", query: [("url", "https://example.com/hello"), ("max", "5")])
        #expect(fetched == .init(kind: "raw", status: 200, contentType: "text/plain", body: "104,101,108,108,111"))
        let (tooLarge, _) = await call("/kit/fetch", query: [("url", "https://example.com/hello"), ("max", "4")])
        #expect(tooLarge == .init(kind: "error", status: 500, body: "the response body is larger than 4 bytes"))
    }

    @Test func thrownErrorsBecomeErrorResponses() async {
        #expect(await call("/kit/throw").0 == .init(kind: "error", status: 500, body: "TestFailure()"))
        #expect(await call("/kit/not-found").0 == .init(kind: "error", status: 404, body: "no such group"))
    }

    @Test func kvStorageIsPerSession() async {
        #expect(await call("/kit/count", session: "kv-a").0 == .init(kind: "raw", status: 201, contentType: "application/octet-stream", body: "1"))
        #expect(await call("/kit/count", session: "kv-a").0.body == "2")
        #expect(await call("/kit/count", session: "kv-b").0.body == "1")
    }

    @Test func dispatchesByRouteIndexWithoutALimit() async {
        #expect(manifestRoutes.count > 64)  // the SDK once served at most 64
        for number in 0..<KitTestPlugin.generatedRouteCount {
            #expect(await call("/kit/generated/\(number)").0 == .init(kind: "json", status: 200, body: "\(number)"))
        }
    }

    @Test(arguments: [loaded.manifest.route_count, .max])
    func routeIndexOutOfRangeAnswers500(_ routeIndex: UInt32) async {
        let (answer, responder) = await call("/kit/inline", routeIndex: routeIndex)
        #expect(answer == .init(
            kind: "error", status: 500,
            body: "route_index \(routeIndex) is out of range: the plugin declares \(manifestRoutes.count) routes"))
        #expect(responder.answerCount == 1)
    }

    @Test func concurrentRequestsAreEachAnsweredOnce() async {
        let responders = await withTaskGroup(of: FakeResponder.self) { group in
            for index in 0..<200 {
                group.addTask { await call(index.isMultiple(of: 2) ? "/kit/send" : "/kit/inline", body: "later").1 }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        try? await Task.sleep(for: .milliseconds(50))  // a second answer would arrive by now
        #expect(responders.allSatisfy { $0.answerCount == 1 })
    }
}

@Suite struct EventTests {
    @Test func deliversToSpecificAndWildcardHandlers() async throws {
        let events = UnsafeBufferPointer(start: loaded.manifest.events, count: Int(loaded.manifest.event_count))
        for (type, json) in [("Message", #"{"Info":{}}"#), ("Presence", "{}")] {
            var (session, type, json) = ("ev-1", type, json)
            session.withUTF8 { session in
                type.withUTF8 { type in
                    json.withUTF8 { json in
                        events[0].handler!(
                            loaded.state, wago_str(ptr: UnsafeRawPointer(session.baseAddress)?.assumingMemoryBound(to: CChar.self), len: session.count),
                            wago_str(ptr: UnsafeRawPointer(type.baseAddress)?.assumingMemoryBound(to: CChar.self), len: type.count),
                            wago_str(ptr: UnsafeRawPointer(json.baseAddress)?.assumingMemoryBound(to: CChar.self), len: json.count))
                    }
                }
            }
        }
        let expected = ["1 message ev-1 {\"Info\":{}}", "emit Seen ev-1 Message", "emit Seen ev-1 Presence"]
        for _ in 0..<200 where !Set(expected).isSubset(of: FakeHost.logLines.withLock { $0 }) {
            try await Task.sleep(for: .milliseconds(5))
        }
        let lines = FakeHost.logLines.withLock { $0 }.filter { $0.contains("ev-1") }
        #expect(lines.sorted() == expected.sorted())
    }
}
