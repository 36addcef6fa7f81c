/// Runs operations one after another per lane (a virtual phone's number): each operation of a
/// lane starts once the lane's previous one finished, while lanes run in parallel. An actor alone
/// would interleave operations at every `await`; a Signal party's sessions must not be used by
/// two operations at once, but two phones share nothing.
actor SerialQueue {
    /// The last operation queued in each lane.
    private var tails: [String: Task<Void, Never>] = [:]

    /// Runs `operation` after what `lane` queued before, and waits for its result.
    func run<Value: Sendable>(in lane: String, _ operation: @escaping @Sendable () async throws -> Value)
        async throws -> Value
    {
        try await chain(operation, in: lane).value
    }

    /// Queues `operation` after what `lane` queued before, and returns at once.
    func enqueue(in lane: String, _ operation: @escaping @Sendable () async -> Void) {
        _ = chain(operation, in: lane)
    }

    private func chain<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value, in lane: String)
        -> Task<Value, any Error>
    {
        let previous = tails[lane]
        let task = Task {
            await previous?.value
            return try await operation()
        }
        tails[lane] = Task { _ = try? await task.value }
        return task
    }
}
