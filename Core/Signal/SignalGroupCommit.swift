/// Group commit of one party's Signal writes: transactions hand their `SignalWriteBatch`es in
/// (`submit`, under the party's Signal lock, in the order they were made) and wait for their
/// commit outside the lock (`durable`). While one commit runs, the batches submitted meanwhile
/// queue, and the next commit stores them all in one transaction, so a party's throughput is
/// not one message per commit latency.
///
/// The writes of batches not stored yet stay readable (`pending`, for the next transaction's
/// `SignalTransaction(over:pending:)`), so a ratchet goes on from its newest state even while
/// that state is being committed. A batch whose commit failed is kept and stored with the next
/// one: its message was never sent (its sender was told so), and storing its forward state
/// only skips a message key, while forgetting it would let a later transaction build on an
/// older state than one already committed after it and reuse a chain key.
///
/// The crash rule this keeps: whoever sends a ciphertext waits for `durable` first, and every
/// commit stores a state at least as new as each batch it covers.
public actor SignalGroupCommit {
    /// Names a submitted batch, to wait for its commit (once).
    public struct Ticket: Sendable, Hashable {
        let number: UInt64
    }

    private let store: @Sendable (SignalWriteBatch) async throws -> Void
    /// Submitted batches not stored yet, oldest first: those of the running commit, those
    /// submitted since, and those whose commit failed.
    private var uncommitted: [(ticket: UInt64, batch: SignalWriteBatch)] = []
    /// Every write of `uncommitted`, later ones replacing earlier ones.
    public private(set) var pending = SignalWriteBatch()
    private var lastTicket: UInt64 = 0
    /// Every ticket up to this one had its commit attempted, and its outcome handed out or kept.
    private var settledThrough: UInt64 = 0
    private var committing = false
    /// Outcomes of tickets nobody waited for yet.
    private var outcomes: [UInt64: Result<Void, any Error>] = [:]
    private var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]

    /// - Parameter store: stores a batch in one transaction (`SignalStore.commit(_:)`).
    public init(storing store: @escaping @Sendable (SignalWriteBatch) async throws -> Void) {
        self.store = store
    }

    /// Queues `batch` for the next commit and starts one unless one runs.
    public func submit(_ batch: SignalWriteBatch) -> Ticket {
        lastTicket += 1
        uncommitted.append((lastTicket, batch))
        pending.add(batch)
        if !committing {
            committing = true
            Task { await commitQueued() }
        }
        return Ticket(number: lastTicket)
    }

    /// Returns once a commit stored the batch of `ticket`.
    /// - Throws: the error of the commit that should have stored it.
    public func durable(_ ticket: Ticket) async throws {
        if let outcome = outcomes.removeValue(forKey: ticket.number) { return try outcome.get() }
        try await withCheckedThrowingContinuation { waiters[ticket.number] = $0 }
    }

    /// Returns once every batch submitted so far is stored, those of failed commits included,
    /// so that the store alone is current (for operations that read and write it directly).
    /// - Throws: the error of the commit that tried.
    public func flush() async throws {
        guard !uncommitted.isEmpty else { return }
        try await durable(submit(SignalWriteBatch()))
    }

    /// Commits everything uncommitted, again while batches came in during the last commit.
    private func commitQueued() async {
        while lastTicket > settledThrough {
            let taken = uncommitted.count
            let through = lastTicket
            let outcome: Result<Void, any Error>
            do {
                try await store(pending)
                outcome = .success(())
            } catch {
                outcome = .failure(error)
            }
            if case .success = outcome {
                uncommitted.removeFirst(taken)
                pending = uncommitted.reduce(into: SignalWriteBatch()) { $0.add($1.batch) }
            }
            for ticket in (settledThrough + 1)...through {
                if let waiter = waiters.removeValue(forKey: ticket) {
                    waiter.resume(with: outcome)
                } else {
                    outcomes[ticket] = outcome
                }
            }
            settledThrough = through
        }
        committing = false
    }
}
