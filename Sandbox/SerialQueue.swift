/// Runs operations strictly one after another, each starting once the previous one finished.
/// An actor alone would interleave them at every `await`; Signal sessions must not be used by
/// two operations at once.
actor SerialQueue {
    private var last: Task<Void, Never>?

    func run<Value: Sendable>(_ operation: @escaping @Sendable () async throws -> Value) async throws -> Value {
        let previous = last
        let task = Task {
            await previous?.value
            return try await operation()
        }
        last = Task { _ = try? await task.value }
        return try await task.value
    }
}
