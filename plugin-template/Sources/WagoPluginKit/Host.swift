// The host as a plugin sees it: the host's function table, wrapped for Swift.

import WagoPluginABI

/// The services the WaGo server offers to a plugin. Handlers receive it; it may be kept and
/// used from any thread or task for the life of the process.
public struct Host: Sendable {
    let table: HostTable

    public enum LogLevel: Int32, Sendable {
        case debug = 0, info, warning, error  // the raw values are wago_log_level's
    }

    /// Writes one line to the server's log, attributed to this plugin.
    public func log(_ level: LogLevel, _ message: String) {
        guard let log = table.api.log else { return }
        message.withWagoStr { log(table.api.host, level.rawValue, $0) }
    }
}

/// A failed host service call.
public struct HostError: Error, Sendable, CustomStringConvertible {
    public enum Code: Int32, Sendable {
        // The raw values are the WAGO_ERR_* statuses.
        case invalidArgument = 1, notFound, notConnected, unsupported, timeout, remote, alreadyDone, `internal`
    }

    public let code: Code
    /// What failed, as the host said it.
    public let message: String

    public init(_ code: Code, _ message: String) {
        (self.code, self.message) = (code, message)
    }

    /// The error for a non-OK `wago_status`; a status this SDK does not know counts as internal.
    init(status: wago_status, message: String) {
        self.init(Code(rawValue: status) ?? .internal, message)
    }

    public var description: String { "\(code): \(message)" }
}

/// The host's function table, read once at init and kept for the process.
final class HostTable: Sendable {
    /// A zero-filled copy of the host's table: services a host older than this SDK does not
    /// offer read as NULL and answer `HostError.Code.unsupported`.
    nonisolated(unsafe) let api: wago_host_api  // immutable; the functions are thread-safe by the ABI

    /// Checks the table the host passed to on_init; throws the reason to refuse it.
    init(_ pointer: UnsafePointer<wago_host_api>?) throws(HostError) {
        guard let pointer else { throw HostError(.invalidArgument, "the host passed no function table") }
        let header = UnsafeRawPointer(pointer).load(as: wago_header.self)
        guard header.magic == WAGO_ABI_MAGIC, header.abi_version >> 16 == WAGO_ABI_VERSION_MAJOR else {
            throw HostError(.invalidArgument, "the host's function table has a wrong magic or ABI major version")
        }
        api = readVersioned(UnsafeRawPointer(pointer), zeroed: wago_host_api())
        guard api.respond_json != nil, api.respond_error != nil, api.respond_raw != nil else {
            throw HostError(.unsupported, "the host's function table lacks the respond functions")
        }
    }
}
