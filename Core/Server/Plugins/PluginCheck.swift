import Foundation
import Logging

/// `wago plugin check`: loads a plugin into a throwaway gateway, exactly as `wago serve` would,
/// so the verdict is the server's own.
public enum PluginCheck {
    /// - Parameter alongside: a plugins folder loaded before `path`, for route conflicts.
    public static func run(path: String, alongside: URL?) -> Result<PluginReport.Plugin, PluginRefusal> {
        let target = URL(fileURLWithPath: path).standardizedFileURL.path
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("wago-check-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var logger = Logger(label: "wago.plugin-check")
        logger.logLevel = .critical
        let others = alongside.map { PluginHost.pluginFiles(in: $0).filter { $0 != target } } ?? []
        let settings = GatewaySettings(
            adminToken: UUID().uuidString, dataDirectory: scratch, pluginsDirectory: scratch)
        let gateway: Gateway
        do {
            gateway = try Gateway(settings: settings, logger: logger, pluginFiles: others + [target])
        } catch {
            return .failure(PluginRefusal(path: target, name: nil, reason: "cannot start a gateway to check in: \(error)"))
        }
        if let refusal = gateway.plugins.refused.first(where: { $0.path == target }) {
            return .failure(refusal)
        }
        guard let manifest = gateway.plugins.loaded.first(where: { $0.manifest.path == target })?.manifest else {
            return .failure(PluginRefusal(path: target, name: nil, reason: "not loaded"))
        }
        return .success(PluginReport.Plugin(manifest))
    }
}
