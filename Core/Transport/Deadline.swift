/// Thrown by `withDeadline` when the operation took too long.
public struct DeadlineExceeded: Error, Equatable, Sendable {
    /// What was being waited for, for the logs.
    public var operation: String
}

/// Runs `operation`, cancelling it and throwing `DeadlineExceeded` after `timeout`. Used where
/// a silent peer would otherwise hold a connection forever (the Noise handshake).
package func withDeadline<Result: Sendable>(
    _ timeout: Duration, _ name: String, _ operation: @escaping @Sendable () async throws -> Result
) async throws -> Result {
    try await withThrowingTaskGroup(of: Result.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw DeadlineExceeded(operation: name)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
