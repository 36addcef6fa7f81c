import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Outbound HTTP/1.1 (TLS for https), one connection per request, or kept alive for many
/// (`connection(to:)`). It resolves the host itself,
/// asks the caller's address check about the address and connects to that very address, so a
/// DNS answer that changes between check and connection (rebinding) cannot aim a request at a
/// network the caller refuses.
public struct HTTPClient: Sendable {
    /// Why the client may not connect to an IP address (text form), or nil when it may.
    public typealias AddressCheck = @Sendable (_ address: String) -> String?

    public let connectTimeout: Duration
    /// Limits the whole exchange: resolving, connecting, sending and reading the response.
    public let requestTimeout: Duration
    private let addressCheck: AddressCheck?
    private let tlsContext: NIOSSLContext

    /// - Parameters:
    ///   - extraCAFile: a PEM file of CAs trusted besides the system's (`WAGO_CA_FILE`).
    ///   - addressCheck: nil connects anywhere.
    public init(
        connectTimeout: Duration = .seconds(10), requestTimeout: Duration = .seconds(60), extraCAFile: String? = nil,
        addressCheck: AddressCheck? = nil
    ) throws(HTTPClientError) {
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.addressCheck = addressCheck
        // The system's trust roots, full certificate and host name verification.
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let extraCAFile {
            do {
                configuration.additionalTrustRoots = [.certificates(try NIOSSLCertificate.fromPEMFile(extraCAFile))]
            } catch {
                throw .tlsConfiguration(file: extraCAFile, reason: "\(error)")
            }
        }
        do {
            tlsContext = try NIOSSLContext(configuration: configuration)
        } catch {
            throw .tlsConfiguration(file: extraCAFile ?? "(system roots)", reason: "\(error)")
        }
    }

    /// Sends `request` and reads the response. `responseBodyLimit` is the most body bytes
    /// accepted (a longer body throws `responseTooLarge`); 0 returns as soon as the status and
    /// headers arrive, without reading the body.
    public func send(_ request: HTTPClientRequest, responseBodyLimit: Int) async throws(HTTPClientError)
        -> HTTPClientResponse
    {
        let destination = try HTTPDestination(request.url)
        return try await withRequestTimeout {
            try await exchange(request, with: destination, responseBodyLimit: responseBodyLimit)
        }
    }

    /// Opens a connection to `url`'s origin for requests sent one after the other on it
    /// (HTTP/1.1 keep-alive): resolving, the address check and the TLS handshake happen once.
    public func connection(to url: URL) async throws(HTTPClientError) -> HTTPKeepAliveConnection {
        let destination = try HTTPDestination(url)
        let requestTimeout = requestTimeout
        return try await withRequestTimeout {
            let (channel, handler) = try await connect(to: destination) { channel in
                let handler = HTTPExchangeHandler()
                try channel.pipeline.syncOperations.addHandler(handler)
                return NIOLoopBound(handler, eventLoop: channel.eventLoop)
            }
            // Connected just as the timeout won: nobody will take this channel.
            if Task.isCancelled {
                channel.close(promise: nil)
                throw HTTPClientError.cancelled
            }
            return HTTPKeepAliveConnection(
                channel: channel, handler: handler, destination: destination, requestTimeout: requestTimeout)
        }
    }

    /// `body`, failing with `timedOut` after `requestTimeout`.
    private func withRequestTimeout<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value)
        async throws(HTTPClientError) -> Value
    {
        let requestTimeout = requestTimeout
        do {
            return try await withThrowingTaskGroup(of: Value.self) { group in
                group.addTask { try await body() }
                group.addTask {
                    try await Task.sleep(for: requestTimeout)
                    throw HTTPClientError.timedOut(requestTimeout)
                }
                defer { group.cancelAll() }
                guard let value = try await group.next() else { throw HTTPClientError.cancelled }
                return value
            }
        } catch let error as HTTPClientError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .connection(String(describing: error))
        }
    }

    /// A channel to `destination` (TLS for https, then HTTP/1.1 client handlers), with what
    /// `finish` adds on its event loop.
    private func connect<Extra: Sendable>(
        to destination: HTTPDestination, finish: @escaping @Sendable (any Channel) throws -> Extra
    ) async throws -> (any Channel, Extra) {
        let address = try await resolve(destination)
        let tlsContext = tlsContext
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(connectTimeout))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if destination.tls {
                        // SNI carries names only; an IP literal host goes without it.
                        let isIPLiteral = (try? SocketAddress(ipAddress: destination.host, port: 0)) != nil
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tlsContext, serverHostname: isIPLiteral ? nil : destination.host))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return (channel, try finish(channel))
                }
            }
    }

    private func exchange(
        _ request: HTTPClientRequest, with destination: HTTPDestination, responseBodyLimit: Int
    ) async throws -> HTTPClientResponse {
        let (_, channel) = try await connect(to: destination) { channel in
            try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
        }
        return try await channel.executeThenClose { inbound, outbound in
            // One write: a receiver that has the whole body may answer and close before a
            // separate write of the end, which then fails on a closed channel although the
            // request was taken (a webhook posted twice).
            var parts: [HTTPClientRequestPart] = [.head(Self.head(of: request, to: destination, keepAlive: false))]
            if !request.body.isEmpty { parts.append(.body(.byteBuffer(ByteBuffer(bytes: request.body)))) }
            parts.append(.end(nil))
            try await outbound.write(contentsOf: parts)
            var response: HTTPClientResponse?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let head):
                    let headers = head.headers.map { (name: $0.name, value: $0.value) }
                    let started = HTTPClientResponse(status: Int(head.status.code), headers: headers, body: [])
                    if responseBodyLimit == 0 { return started }
                    if let length = started.header("Content-Length").flatMap(Int.init), length > responseBodyLimit {
                        throw HTTPClientError.responseTooLarge(limit: responseBodyLimit)
                    }
                    response = started
                case .body(let buffer):
                    guard body.count + buffer.readableBytes <= responseBodyLimit else {
                        throw HTTPClientError.responseTooLarge(limit: responseBodyLimit)
                    }
                    body.append(contentsOf: buffer.readableBytesView)
                case .end:
                    guard var response else { continue }
                    response.body = body
                    return response
                }
            }
            throw HTTPClientError.connection("the server closed the connection before the response ended")
        }
    }

    /// The address to connect to, refused when the address check says so.
    private func resolve(_ destination: HTTPDestination) async throws -> SocketAddress {
        let address: SocketAddress
        do {
            address = try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(destination.host, port: destination.port)
            }
        } catch {
            throw HTTPClientError.unresolved(host: destination.host)
        }
        if let ip = address.ipAddress, let reason = addressCheck?(ip) {
            throw HTTPClientError.refused(host: destination.host, reason: reason)
        }
        return address
    }

    static func head(of request: HTTPClientRequest, to destination: HTTPDestination, keepAlive: Bool) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: destination.hostHeader)
        if !request.body.isEmpty || request.method == .post || request.method == .put {
            headers.add(name: "Content-Length", value: String(request.body.count))
        }
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        return HTTPRequestHead(
            version: .http1_1, method: HTTPMethod(rawValue: request.method.rawValue), uri: destination.target,
            headers: headers)
    }
}
