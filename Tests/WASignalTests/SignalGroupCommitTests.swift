import Foundation
import Testing
import WACrypto
import WASignal
import WagoStore

/// A commit function for `SignalGroupCommit` that holds every commit until the test releases
/// it (with success or an error), then stores the batch with `store` and remembers it.
actor HeldCommits {
    struct Refused: Error, Equatable {}

    private let store: @Sendable (SignalWriteBatch) async throws -> Void
    private(set) var stored: [SignalWriteBatch] = []
    private var held: [CheckedContinuation<Bool, Never>] = []

    init(storing store: @escaping @Sendable (SignalWriteBatch) async throws -> Void = { _ in }) {
        self.store = store
    }

    func commit(_ batch: SignalWriteBatch) async throws {
        guard await withCheckedContinuation({ held.append($0) }) else { throw Refused() }
        try await store(batch)
        stored.append(batch)
    }

    var heldCount: Int { held.count }

    /// Lets the oldest held commit store its batch, or fail.
    func release(succeeding: Bool = true) {
        held.removeFirst().resume(returning: succeeding)
    }

    /// Returns once `count` commits are held.
    func waitUntilHeld(_ count: Int) async {
        while held.count < count { await Task.yield() }
    }
}

/// Which tickets' `durable` returned or threw, and what was stored by then.
actor Outcomes {
    private(set) var finished: [String: Result<[SignalWriteBatch], HeldCommits.Refused>] = [:]

    func record(_ name: String, _ outcome: Result<[SignalWriteBatch], HeldCommits.Refused>) { finished[name] = outcome }

    func waitUntilFinished(_ count: Int) async {
        while finished.count < count { await Task.yield() }
    }
}

/// A batch writing one sender key, named `name`, so a test can tell batches apart.
private func batch(_ name: String) -> SignalWriteBatch {
    SignalWriteBatch(SenderKeyRecord(), for: key(name))
}

private func key(_ name: String) -> SenderKeyName {
    SenderKeyName(groupID: "120363@g.us", sender: SignalAddress(name: name, deviceID: 0))
}

private func names(_ batch: SignalWriteBatch) -> Set<String> {
    Set(batch.senderKeys.keys.map(\.sender.name))
}

/// Waits for `ticket` in a task of its own, recording whether it was durable and what the
/// commits had stored when it returned.
private func waitInTask(
    _ ticket: SignalGroupCommit.Ticket, named name: String, on commits: SignalGroupCommit, held: HeldCommits,
    into outcomes: Outcomes
) {
    Task {
        do {
            try await commits.durable(ticket)
            await outcomes.record(name, .success(await held.stored))
        } catch {
            await outcomes.record(name, .failure(error as? HeldCommits.Refused ?? HeldCommits.Refused()))
        }
    }
}

@Suite struct SignalGroupCommitTests {
    @Test("batches submitted while a commit runs are stored together by the next; each waits for its own commit")
    func batchesQueueBehindARunningCommit() async throws {
        let held = HeldCommits()
        let commits = SignalGroupCommit(storing: { try await held.commit($0) })
        let outcomes = Outcomes()
        waitInTask(await commits.submit(batch("a")), named: "a", on: commits, held: held, into: outcomes)
        await held.waitUntilHeld(1)
        for name in ["b", "c"] {
            waitInTask(await commits.submit(batch(name)), named: name, on: commits, held: held, into: outcomes)
        }
        // The next transaction reads all three, though none is stored yet.
        #expect(names(await commits.pending) == ["a", "b", "c"])
        #expect(await outcomes.finished.isEmpty)

        await held.release()
        await outcomes.waitUntilFinished(1)
        let first = try #require(try await outcomes.finished["a"]?.get())
        #expect(first.map(names) == [["a"]])
        await held.waitUntilHeld(1)
        #expect(await outcomes.finished.count == 1)
        #expect(names(await commits.pending) == ["b", "c"])

        await held.release()
        await outcomes.waitUntilFinished(3)
        for name in ["b", "c"] {
            // Durable when it returned: both went in the second commit.
            let stored = try #require(try await outcomes.finished[name]?.get())
            #expect(stored.map(names) == [["a"], ["b", "c"]])
        }
        #expect(await commits.pending.isEmpty)
        #expect(await held.stored.count == 2)
    }

    @Test("a failed commit fails exactly its batches; their writes are stored by the next commit")
    func failedCommitFailsItsBatchesOnly() async throws {
        let held = HeldCommits()
        let commits = SignalGroupCommit(storing: { try await held.commit($0) })
        let outcomes = Outcomes()
        waitInTask(await commits.submit(batch("a")), named: "a", on: commits, held: held, into: outcomes)
        await held.waitUntilHeld(1)
        waitInTask(await commits.submit(batch("b")), named: "b", on: commits, held: held, into: outcomes)

        await held.release(succeeding: false)
        await outcomes.waitUntilFinished(1)
        #expect(await outcomes.finished["a"].map { (try? $0.get()) == nil } == true)
        // `a` stays readable: `b` was encrypted on top of it, and states only go forward.
        #expect(names(await commits.pending) == ["a", "b"])

        await held.waitUntilHeld(1)
        await held.release()
        await outcomes.waitUntilFinished(2)
        let stored = try #require(try await outcomes.finished["b"]?.get())
        #expect(stored.map(names) == [["a", "b"]])
        #expect(await commits.pending.isEmpty)
    }

    @Test("flush stores what a failed commit left, and returns at once when nothing is pending")
    func flushStoresLeftovers() async throws {
        let held = HeldCommits()
        let commits = SignalGroupCommit(storing: { try await held.commit($0) })
        try await commits.flush()
        #expect(await held.stored.isEmpty)
        #expect(await held.heldCount == 0)

        let outcomes = Outcomes()
        waitInTask(await commits.submit(batch("a")), named: "a", on: commits, held: held, into: outcomes)
        await held.waitUntilHeld(1)
        await held.release(succeeding: false)
        await outcomes.waitUntilFinished(1)

        let flushed = Task { try await commits.flush() }
        await held.waitUntilHeld(1)
        await held.release()
        try await flushed.value
        #expect(await held.stored.map(names) == [["a"]])
        #expect(await commits.pending.isEmpty)
    }

    @Test("a ratchet goes on from a state still being committed; after a restart it goes on from the newest")
    func ratchetContinuesOverPendingWrites() async throws {
        let (alice, bob) = try await StoredParty.linkedPair()
        let store = alice.store
        let held = HeldCommits(storing: { try await store.commit($0) })
        let commits = SignalGroupCommit(storing: { try await held.commit($0) })
        let outcomes = Outcomes()
        var sent: [CiphertextMessage] = []
        for (index, text) in ["one", "two", "three"].enumerated() {
            let transaction = SignalTransaction(over: alice.store, pending: await commits.pending)
            sent.append(try await SessionCipher(store: transaction, address: bob.address).encrypt(Array(text.utf8)))
            waitInTask(await commits.submit(await transaction.writes), named: text, on: commits, held: held, into: outcomes)
            if index == 0 { await held.waitUntilHeld(1) }
        }
        // The first commit holds "one"; "two" and "three" went on from it in memory.
        #expect(await held.stored.isEmpty)
        await held.release()
        await held.waitUntilHeld(1)
        await held.release()
        await outcomes.waitUntilFinished(3)
        #expect(await held.stored.count == 2)

        try alice.restart()
        let fourth = try await alice.cipher(for: bob).encrypt(Array("four".utf8))
        for (message, text) in zip(sent + [fourth], ["one", "two", "three", "four"]) {
            #expect(try await bob.cipher(for: alice).decrypt(message) == Array(text.utf8))
        }
    }
}
