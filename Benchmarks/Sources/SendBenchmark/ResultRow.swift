import Foundation

/// One line of the results table.
struct ResultRow {
    let scenario: String
    let sessions: Int
    let workers: Int
    /// Per second, in the measured window.
    let rate: Double
    /// Latency of the driving request, in milliseconds; nil where no request is timed.
    let p50: Double?
    let p99: Double?
    let failures: Int
    let note: String

    private static func milliseconds(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0) } ?? "-"
    }

    static func printTable(_ rows: [ResultRow]) {
        let header = ["scenario", "sessions", "workers", "per s", "p50 ms", "p99 ms", "failed", "note"]
        let cells = rows.map {
            [
                $0.scenario, "\($0.sessions)", "\($0.workers)", String(format: "%.0f", $0.rate),
                milliseconds($0.p50), milliseconds($0.p99), "\($0.failures)", $0.note,
            ]
        }
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        for line in [header] + cells {
            print(zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }
}
