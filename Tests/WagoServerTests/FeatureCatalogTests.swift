import Foundation
import HTTPTypes
import Testing
import WagoTestSupport
@testable import WagoServer

@Suite("Feature catalog")
struct FeatureCatalogTests {
    /// `METHOD /path` lines of WaGo's endpoint reference.
    static func seedRoutes() throws -> [RouteKey] {
        let seed = try SharedData.directory().appendingPathComponent("seed")
        let file = try #require(FileManager.default.contentsOfDirectory(atPath: seed.path).first { $0.hasSuffix(".txt") })
        let text = try String(contentsOf: seed.appendingPathComponent(file), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 2, parts[1].hasPrefix("/"), let method = HTTPRequest.Method(String(parts[0])) else { return nil }
            return RouteKey(method, String(parts[1]))
        }
    }

    @Test("every route of WaGo's reference belongs to the core or to one plugin feature")
    func coversTheSeed() throws {
        let routes = try Self.seedRoutes()
        #expect(routes.count == 139, "the reference lists 139 routes")
        let pluginRoutes = Set(FeatureCatalog.pluginRoutes.map { RouteKey($0.0, $0.1) })
        let pendingCore = Set(FeatureCatalog.pendingCoreRoutes.map { RouteKey($0.0, $0.1) })
        let coreServed: Set<RouteKey> = ServerRoutes.keys.union([
            RouteKey(.post, "/session/init"), RouteKey(.get, "/session/all"), RouteKey(.post, "/session/delete"),
            RouteKey(.post, "/session/scanned"), RouteKey(.get, "/session/status"), RouteKey(.post, "/webhook"),
            RouteKey(.get, "/webhook"), RouteKey(.post, "/session/connect"), RouteKey(.post, "/session/disconnect"),
            RouteKey(.post, "/session/logout"), RouteKey(.get, "/session/qr"), RouteKey(.post, "/session/pair"),
        ])
        for route in routes {
            let owners = [pluginRoutes.contains(route), pendingCore.contains(route), coreServed.contains(route)]
            #expect(owners.filter { $0 }.count == 1, "\(route) has \(owners.filter { $0 }.count) owners")
            if pluginRoutes.contains(route) { #expect(FeatureCatalog.feature(of: route.path) != "unknown", "\(route)") }
        }
        #expect(pluginRoutes.isSubset(of: Set(routes)), "the catalog lists only routes of the reference")
    }
}
