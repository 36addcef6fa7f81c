import Hummingbird
import WagoStore
import WagoPluginABI

extension LoadedPlugin {
    /// Serves one request with a plugin route: copies it into a BORROWED `wago_request`, calls
    /// the handler and waits, without holding a thread, for its answer through the responder.
    func serve(
        _ route: PluginRoute, request: Request, context: BasicRequestContext, caller: Caller,
        bodyLimit: Int, timeout: Duration
    ) async throws -> Response {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: bodyLimit)
        } catch {
            throw APIError(.contentTooLarge, "request body is larger than \(bodyLimit) bytes")
        }
        let session = (try? caller.session.id) ?? ""
        var pathParameters: [(String, String)] = []
        for name in route.parameterNames {
            pathParameters.append((name, context.parameters.get(name) ?? ""))
        }
        // Credentials never reach plugins: they get the session id instead.
        let query = request.uri.queryParameters.filter { $0.key != "token" }.map { (String($0.key), String($0.value)) }
        var headers: [(String, String)] = []
        for field in request.headers where field.name != Authenticator.tokenHeader && field.name != Authenticator.adminHeader {
            headers.append((field.name.canonicalName, field.value))
        }

        let pending = PendingReply()
        let responder = ResponderTable.shared.open(plugin: manifest.name, timeout: timeout, reply: pending)
        RequestArena.withRequest(
            routeIndex: route.index, method: route.method, path: request.uri.path, session: session, body: body,
            pathParameters: pathParameters, query: query, headers: headers
        ) { cRequest in
            route.handler(state.raw, cRequest, responder)
        }
        let reply = await pending.reply()
        return reply.response
    }
}

/// Lays out a request's strings in one allocation for the duration of a handler call: the
/// request is BORROWED, so nothing outlives the call.
enum RequestArena {
    static func withRequest(
        routeIndex: UInt32, method: HTTPRequest.Method, path: String, session: String, body: ByteBuffer,
        pathParameters: [(String, String)], query: [(String, String)], headers: [(String, String)],
        _ call: (UnsafePointer<wago_request>) -> Void
    ) {
        let pairs = pathParameters + query + headers
        var textBytes = path.utf8.count + session.utf8.count
        for (name, value) in pairs { textBytes += name.utf8.count + value.utf8.count }
        let text = UnsafeMutableRawBufferPointer.allocate(byteCount: max(textBytes, 1), alignment: 1)
        let cPairs = UnsafeMutableBufferPointer<wago_pair>.allocate(capacity: max(pairs.count, 1))
        defer {
            text.deallocate()
            cPairs.deallocate()
        }
        var offset = 0
        func place(_ string: String) -> wago_str {
            let start = text.baseAddress! + offset
            var string = string
            let count = string.withUTF8 { utf8 in
                UnsafeMutableRawBufferPointer(start: start, count: utf8.count).copyMemory(from: UnsafeRawBufferPointer(utf8))
                return utf8.count
            }
            offset += count
            return wago_str(ptr: start.assumingMemoryBound(to: CChar.self), len: count)
        }
        for (index, (name, value)) in pairs.enumerated() {
            cPairs[index] = wago_pair(name: place(name), value: place(value))
        }
        var request = wago_request()
        request.header = wago_header(
            magic: WAGO_ABI_MAGIC, abi_version: WAGO_ABI_VERSION,
            struct_size: UInt32(MemoryLayout<wago_request>.size), reserved: 0)
        request.method = methodCode(method)
        request.route_index = routeIndex
        request.path = place(path)
        request.session = place(session)
        let base = UnsafePointer(cPairs.baseAddress!)
        request.path_params = base
        request.path_param_count = pathParameters.count
        request.query = base + pathParameters.count
        request.query_count = query.count
        request.headers = base + pathParameters.count + query.count
        request.header_count = headers.count
        body.withUnsafeReadableBytes { bytes in
            request.body = wago_bytes(ptr: bytes.bindMemory(to: UInt8.self).baseAddress, len: bytes.count)
            withUnsafePointer(to: &request) { call($0) }
        }
    }

    private static func methodCode(_ method: HTTPRequest.Method) -> UInt32 {
        switch method {
        case .get: UInt32(WAGO_METHOD_GET.rawValue)
        case .post: UInt32(WAGO_METHOD_POST.rawValue)
        case .put: UInt32(WAGO_METHOD_PUT.rawValue)
        case .delete: UInt32(WAGO_METHOD_DELETE.rawValue)
        default: UInt32(WAGO_METHOD_PATCH.rawValue)
        }
    }
}
