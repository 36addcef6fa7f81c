import Foundation

/// Decides whether the server may post to (or fetch from) a URL a client gave it: http or
/// https only, a real host, and no loopback, private or link-local address unless the
/// deployment allows them. Host names are checked again when resolved at delivery time.
public struct OutboundURLPolicy: Sendable {
    public var allowPrivateAddresses: Bool

    public init(allowPrivateAddresses: Bool) {
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Returns the URL or throws a 400 naming `field`.
    public func validate(_ text: String, field: String) throws -> URL {
        guard text.utf8.count <= 2048 else { throw APIError.badRequest("\(field) is longer than 2048 characters") }
        guard let components = URLComponents(string: text), let url = components.url,
            let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty
        else { throw APIError.badRequest("\(field) is not a valid absolute URL") }
        guard scheme == "http" || scheme == "https" else {
            throw APIError.badRequest("\(field) must use http or https, not \(scheme)")
        }
        guard components.user == nil, components.password == nil else {
            throw APIError.badRequest("\(field) must not carry credentials; use a header or the signing secret")
        }
        if !allowPrivateAddresses, let reason = Self.privateReason(host: host) {
            throw APIError.badRequest(
                "\(field) points to \(reason); set WAGO_ALLOW_PRIVATE_URLS=1 to allow private destinations")
        }
        return url
    }

    /// Why the server may not connect to `address` (the IP a URL's host just resolved to),
    /// or nil when it may.
    func refusal(connectingTo address: String) -> String? {
        allowPrivateAddresses ? nil : Self.privateReason(host: address)
    }

    /// Why `host` is not a public destination, or nil when it may be.
    static func privateReason(host: String) -> String? {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]."))
        if name == "localhost" || name.hasSuffix(".localhost") { return "localhost" }
        if let v4 = ipv4(name) { return privateReasonV4(v4) }
        if name.contains(":") { return privateReasonV6(name) }
        return nil
    }

    private static func ipv4(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }

    private static func privateReasonV4(_ a: [UInt8]) -> String? {
        switch (a[0], a[1]) {
        case (127, _): "a loopback address"
        case (10, _), (172, 16...31), (192, 168): "a private address"
        case (169, 254): "a link-local address"
        case (0, _): "an unspecified address"
        case (100, 64...127): "a carrier-grade NAT address"
        case (224...255, _): "a multicast or reserved address"
        default: nil
        }
    }

    private static func privateReasonV6(_ text: String) -> String? {
        if text == "::1" { return "a loopback address" }
        if text == "::" { return "an unspecified address" }
        if text.hasPrefix("fe8") || text.hasPrefix("fe9") || text.hasPrefix("fea") || text.hasPrefix("feb") {
            return "a link-local address"
        }
        if text.hasPrefix("fc") || text.hasPrefix("fd") { return "a private address" }
        if text.hasPrefix("::ffff:"), let v4 = ipv4(String(text.dropFirst(7))) { return privateReasonV4(v4) }
        return nil
    }
}
