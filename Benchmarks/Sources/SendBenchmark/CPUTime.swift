import Foundation

/// CPU time (user and system) spent so far by this process, which runs the gateway, the load
/// and the webhook receiver, and by the sandbox's process when it runs apart.
struct CPUTime {
    let gateway: Double
    let sandbox: Double?

    static func now(sandbox pid: Int32?) -> CPUTime {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let own = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        return CPUTime(gateway: own, sandbox: pid.flatMap(seconds(of:)))
    }

    /// Fields 14 and 15 of `/proc/PID/stat` (utime, stime), in clock ticks; counted after the
    /// `)` that closes the command name, which may hold spaces.
    private static func seconds(of pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU milliseconds per operation since `start`, for a row's note.
    func perOperation(since start: CPUTime, operations: Int) -> String {
        let count = Double(max(operations, 1))
        let gatewayMS = (gateway - start.gateway) * 1000 / count
        guard let sandbox, let startSandbox = start.sandbox else {
            return String(format: "CPU %.2f ms each, all in one process", gatewayMS)
        }
        return String(
            format: "CPU %.2f ms each in the gateway's process, %.2f in the sandbox's", gatewayMS,
            (sandbox - startSandbox) * 1000 / count)
    }
}
