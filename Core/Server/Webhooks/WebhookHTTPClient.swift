import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// Posts webhook requests over HTTP/1.1 (TLS for https), one connection per request, and
/// returns the response status without reading the body. It resolves the host itself, checks
/// the address against the URL policy and connects to that very address, so a DNS answer that
/// changes between check and connection (rebinding) cannot aim a delivery at a private network.
struct WebhookHTTPClient: Sendable {
    let urlPolicy: OutboundURLPolicy
    let connectTimeout: Duration
    let requestTimeout: Duration
    private let tlsContext: NIOSSLContext

    init(urlPolicy: OutboundURLPolicy, connectTimeout: Duration, requestTimeout: Duration) throws {
        self.urlPolicy = urlPolicy
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        // The system's trust roots, full certificate and host name verification.
        tlsContext = try NIOSSLContext(configuration: .makeClientConfiguration())
    }

    /// The response's status code.
    func post(_ request: WebhookRequest) async throws(WebhookPostError) -> Int {
        let target = try destination(of: request.url)
        do {
            return try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { try await exchange(request, with: target) }
                group.addTask {
                    try await Task.sleep(for: requestTimeout)
                    throw WebhookPostError.timedOut(requestTimeout)
                }
                defer { group.cancelAll() }
                guard let status = try await group.next() else { throw WebhookPostError.cancelled }
                return status
            }
        } catch let error as WebhookPostError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .connection(String(describing: error))
        }
    }

    private struct Destination: Sendable {
        var tls: Bool
        /// The host without IPv6 brackets: what is resolved and sent as TLS server name.
        var host: String
        var port: Int
        /// Path and query, as sent on the request line.
        var target: String
        var hostHeader: String
    }

    private func destination(of url: URL) throws(WebhookPostError) -> Destination {
        // The literal host first: a URL stored before a policy change is checked again.
        do {
            _ = try urlPolicy.validate(url.absoluteString, field: "WebhookURL")
        } catch let error as APIError {
            throw .refused(error.message)
        } catch {
            throw .refused("WebhookURL is not valid: \(error)")
        }
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
            let host = components.host?.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), !host.isEmpty
        else { throw .refused("WebhookURL is not a valid absolute URL") }
        let tls = components.scheme?.lowercased() == "https"
        let port = components.port ?? (tls ? 443 : 80)
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let bracketed = host.contains(":") ? "[\(host)]" : host
        return Destination(
            tls: tls, host: host, port: port,
            target: components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path,
            hostHeader: components.port.map { "\(bracketed):\($0)" } ?? bracketed)
    }

    private func exchange(_ request: WebhookRequest, with destination: Destination) async throws -> Int {
        let address = try await resolve(destination)
        let tlsContext = tlsContext
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(connectTimeout))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if destination.tls {
                        // SNI carries names only; an IP literal host goes without it.
                        let isIPLiteral = (try? SocketAddress(ipAddress: destination.host, port: 0)) != nil
                        let serverName = isIPLiteral ? nil : destination.host
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(.head(head(of: request, to: destination)))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: request.body))))
            try await outbound.write(.end(nil))
            for try await part in inbound {
                if case .head(let response) = part { return Int(response.status.code) }
            }
            throw WebhookPostError.connection("the receiver closed the connection without answering")
        }
    }

    /// The address to connect to, refused when the policy forbids it.
    private func resolve(_ destination: Destination) async throws -> SocketAddress {
        let address: SocketAddress
        do {
            address = try await NIOThreadPool.singleton.runIfActive {
                try SocketAddress.makeAddressResolvingHost(destination.host, port: destination.port)
            }
        } catch {
            throw WebhookPostError.unresolved(host: destination.host)
        }
        if let ip = address.ipAddress, let reason = urlPolicy.refusal(connectingTo: ip) {
            throw WebhookPostError.refused("WebhookURL host \(destination.host) resolves to \(reason)")
        }
        return address
    }

    private func head(of request: WebhookRequest, to destination: Destination) -> HTTPRequestHead {
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: destination.hostHeader)
        headers.add(name: "User-Agent", value: "wago/\(WagoVersion.current)")
        headers.add(name: "Content-Type", value: request.contentType)
        headers.add(name: "Content-Length", value: String(request.body.count))
        headers.add(name: "Connection", value: "close")
        for header in request.headers { headers.add(name: header.name, value: header.value) }
        return HTTPRequestHead(version: .http1_1, method: .POST, uri: destination.target, headers: headers)
    }
}
