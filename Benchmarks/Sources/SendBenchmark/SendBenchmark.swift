import Foundation
import NIOHTTP1

/// Sends and receives through the whole gateway, on real sockets, against the embedded sandbox:
///
/// - send: `POST /send/text` (the messaging plugin's `.so` as the server loads it) from 1 and
///   from N linked sessions to one recipient with two devices (its phone and a linked companion
///   session); sustained sends/s and the latency of each REST call, which answers once the
///   server acknowledged the message.
/// - receive: virtual phones send (`POST /sandbox/send`) to N sessions whose webhooks point at a
///   local receiver; events delivered per second, and how long the outbox takes to drain. The
///   phones' own encryption shares the cores with the gateway here.
/// - backlog: the same phones send `--backlog` messages to each session while it is
///   disconnected (the sandbox queues them, as WhatsApp does for an offline device); then the
///   sessions reconnect and the row is the rate from reconnecting to the last webhook delivery:
///   what the gateway alone takes in, with no phone encrypting meanwhile.
///
/// Each row's note gives the CPU time each operation took. With `--sandbox apart` the sandbox
/// runs in a process of its own and the note splits that time between the gateway's process
/// (the gateway, the load and the webhook receiver) and the sandbox's.
@main
struct SendBenchmark {
    static let usage = """
        swift run -c release SendBenchmark [--sessions 50] [--workers 64] [--seconds 10] [--warm-up 2]
            [--backlog 1000] [--only send|receive|backlog] [--sandbox inside|apart]
            [--plugin path/to/libWagoMessaging.so]
        """

    struct Options {
        var sessions = 50
        var workers = 64
        var seconds = 10
        var warmUp = 2
        var backlog = 1000
        var only: String?
        var sandboxApart = false
        /// Set in the sandbox's own process (`--sandbox apart`): the folder it keeps its data in.
        var serveSandbox: String?
        var plugin = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("libWagoMessaging.so").path

        struct Invalid: Error, CustomStringConvertible {
            let description: String
        }

        init(_ arguments: [String]) throws {
            var rest = arguments[...]
            while let flag = rest.popFirst() {
                guard let value = rest.popFirst() else { throw Invalid(description: "\(flag) needs a value") }
                switch flag {
                case "--sessions": sessions = try Self.positive(value, flag)
                case "--workers": workers = try Self.positive(value, flag)
                case "--seconds": seconds = try Self.positive(value, flag)
                case "--warm-up": warmUp = try Self.positive(value, flag)
                case "--backlog": backlog = try Self.positive(value, flag)
                case "--only" where ["send", "receive", "backlog"].contains(value): only = value
                case "--sandbox" where ["inside", "apart"].contains(value): sandboxApart = value == "apart"
                case "--serve-sandbox": serveSandbox = value
                case "--plugin": plugin = value
                default: throw Invalid(description: "unknown option \(flag) \(value)")
                }
            }
        }

        private static func positive(_ text: String, _ flag: String) throws -> Int {
            guard let value = Int(text), value > 0 else { throw Invalid(description: "\(flag) takes a positive number") }
            return value
        }
    }

    static let recipient = "5511900000000"

    static func main() async throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            print(usage)
            return
        }
        let options: Options
        do {
            options = try Options(arguments)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n\(usage)\n".utf8))
            exit(2)
        }
        if let directory = options.serveSandbox {
            return try await SandboxProcess.serve(directory: directory, offlineQueueLimit: options.backlog)
        }
        let rows = try await BenchmarkWorld.run(
            plugin: options.plugin, offlineQueueLimit: options.backlog, sandboxApart: options.sandboxApart
        ) { world in
            let setUp = ContinuousClock.now
            let senders = try await linkSenders(options.sessions, on: world)
            print("linked \(options.sessions + 1) sessions in \(ContinuousClock.now - setUp)")
            var rows: [ResultRow] = []
            if options.only == nil || options.only == "send" {
                for count in Set([1, options.sessions]).sorted() {
                    rows.append(try await send(from: Array(senders.prefix(count)), options: options, on: world))
                }
            }
            if options.only == nil || options.only == "receive" {
                rows.append(try await receive(into: senders, options: options, on: world))
            }
            if options.only == nil || options.only == "backlog" {
                rows.append(try await receiveBacklog(into: senders, options: options, on: world))
            }
            return rows
        }
        ResultRow.printTable(rows)
    }

    /// The recipient (a phone and a companion session) and `count` sender sessions; returns
    /// the senders' (phone, token).
    static func linkSenders(_ count: Int, on world: BenchmarkWorld) async throws -> [(phone: String, token: String)] {
        try await world.createAccount(phone: recipient, pushName: "Rita")
        try await world.linkSession(name: "rita", token: "tok-rita", phone: recipient)
        let senders = (1...count).map { (phone: "55119000\(String(format: "%05d", $0))", token: "tok-s\($0)") }
        // A few at a time: linking generates and uploads keys, and the machine is small.
        for batch in stride(from: 0, to: senders.count, by: 5) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for sender in senders[batch..<min(batch + 5, senders.count)] {
                    group.addTask {
                        try await world.createAccount(phone: sender.phone, pushName: "Sender")
                        try await world.linkSession(name: "s-\(sender.phone)", token: sender.token, phone: sender.phone)
                    }
                }
                try await group.waitForAll()
            }
        }
        return senders
    }

    /// `POST /send/text` from `senders`, the workers spread over them, to the recipient.
    static func send(from senders: [(phone: String, token: String)], options: Options, on world: BenchmarkWorld)
        async throws -> ResultRow
    {
        let tokens = senders.map(\.token)
        let load = ClosedLoopLoad(
            port: world.port, workers: options.workers, warmUp: .seconds(options.warmUp),
            duration: .seconds(options.seconds))
        let cpu = CPUTime.now(sandbox: world.sandboxPID)
        let report = try await load.run { worker, sequence in
            ClosedLoopLoad.Request(
                method: .POST, uri: "/send/text", headers: [("token", tokens[worker % tokens.count])],
                json: #"{"Phone":"\#(recipient)","Body":"benchmark \#(worker)-\#(sequence)"}"#)
        }
        // The receipts and the companion's copies of the last sends land meanwhile.
        try await Task.sleep(for: .milliseconds(500))
        return ResultRow(
            scenario: "REST /send/text → server ack", sessions: senders.count, workers: options.workers,
            rate: report.perSecond, p50: report.percentile(50), p99: report.percentile(99), failures: report.failures,
            note: report.firstFailure
                ?? "goal 2000/s, p99 < 25 ms; \(report.accepted) sent in all; "
                + CPUTime.now(sandbox: world.sandboxPID).perOperation(since: cpu, operations: report.accepted))
    }

    /// One virtual phone per session sends to it over `POST /sandbox/send`; the sessions'
    /// webhooks count the Message events delivered.
    static func receive(
        into sessions: [(phone: String, token: String)], options: Options, on world: BenchmarkWorld
    ) async throws -> ResultRow {
        let counter = try await WebhookCounter()
        let friends = try await befriend(sessions, prefix: "55119100", webhook: counter, on: world)
        try await counter.settle()
        let load = ClosedLoopLoad(
            port: world.sandboxPort, workers: options.workers, warmUp: .seconds(options.warmUp),
            duration: .seconds(options.seconds))
        let cpu = CPUTime.now(sandbox: world.sandboxPID)
        let started = ContinuousClock.now
        let report = try await load.run { worker, sequence in
            let pair = worker % sessions.count
            return phoneSends(from: friends[pair], to: sessions[pair].phone, "benchmark \(worker)-\(sequence)")
        }
        let window = (started + .seconds(options.warmUp))..<(started + .seconds(options.warmUp + options.seconds))
        let deliveredInWindow = counter.deliveries(in: window)
        // Every phone message the sandbox took becomes one event; wait for the outbox to drain.
        let drainDeadline = ContinuousClock.now + .seconds(120)
        while counter.distinctEvents < report.accepted, ContinuousClock.now < drainDeadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let total = counter.distinctEvents
        let allIn = counter.lastArrival.map { $0 - started } ?? .zero
        return ResultRow(
            scenario: "phone → webhook (events/s in window)", sessions: sessions.count, workers: options.workers,
            rate: Double(deliveredInWindow) / Double(options.seconds), p50: report.percentile(50),
            p99: report.percentile(99), failures: report.failures,
            note: String(
                format: "goal 5000/s; phones sent %.0f/s; %d/%d events in %.1f s overall (%.0f/s); %d duplicates; ",
                report.perSecond, total, report.accepted, allIn.seconds, Double(total) / allIn.seconds,
                counter.deliveries - total)
                + CPUTime.now(sandbox: world.sandboxPID).perOperation(since: cpu, operations: total))
    }

    /// The backlog scenario (see the type's comment): each session's friend queues
    /// `options.backlog` messages for it while it is disconnected, then every session reconnects
    /// at once.
    static func receiveBacklog(
        into sessions: [(phone: String, token: String)], options: Options, on world: BenchmarkWorld
    ) async throws -> ResultRow {
        let counter = try await WebhookCounter()
        let friends = try await befriend(sessions, prefix: "55119200", webhook: counter, on: world)
        for session in sessions {
            try await world.call(.POST, "/session/disconnect", token: session.token)
            try await world.waitForStatus(token: session.token) { !$0.connected }
        }
        try await counter.settle()
        let requests = sessions.indices.flatMap { pair in
            (0..<options.backlog).map { phoneSends(from: friends[pair], to: sessions[pair].phone, "backlog \(pair)-\($0)") }
        }
        let queued = try await ClosedLoopLoad(port: world.sandboxPort, workers: options.workers, warmUp: .zero, duration: .zero)
            .run(requests)
        guard queued.failures == 0, counter.deliveries == 0 else {
            throw BenchmarkWorld.RequestFailed(
                description: "queueing the backlog: \(queued.failures) failed (\(queued.firstFailure ?? "-")), "
                    + "\(counter.deliveries) delivered while the sessions were offline")
        }

        // On stderr, unbuffered: a profiler can start counting here (`callgrind_control -z`).
        FileHandle.standardError.write(Data("backlog queued; reconnecting\n".utf8))
        let cpu = CPUTime.now(sandbox: world.sandboxPID)
        let reconnected = ContinuousClock.now
        for session in sessions { try await world.connect(token: session.token) }
        let drainDeadline = ContinuousClock.now + .seconds(300)
        while counter.distinctEvents < queued.accepted, ContinuousClock.now < drainDeadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let total = counter.distinctEvents
        let allIn = (counter.lastArrival ?? reconnected) - reconnected
        return ResultRow(
            scenario: "offline backlog → webhook (events/s)", sessions: sessions.count, workers: options.workers,
            rate: Double(total) / allIn.seconds, p50: nil, p99: nil, failures: queued.accepted - total,
            note: String(
                format: "goal 5000/s; %d/%d events in %.1f s from reconnecting; %d duplicates; ", total,
                queued.accepted, allIn.seconds, counter.deliveries - total)
                + CPUTime.now(sandbox: world.sandboxPID).perOperation(since: cpu, operations: total))
    }

    /// A virtual account for each session whose phone writes to it, and the session's webhook
    /// pointed at `webhook`; returns the accounts' phones, in the sessions' order.
    static func befriend(
        _ sessions: [(phone: String, token: String)], prefix: String, webhook: WebhookCounter, on world: BenchmarkWorld
    ) async throws -> [String] {
        let friends = sessions.indices.map { "\(prefix)\(String(format: "%05d", $0 + 1))" }
        for (friend, session) in zip(friends, sessions) {
            try await world.createAccount(phone: friend, pushName: "Friend")
            try await world.setWebhook(token: session.token, url: webhook.url)
        }
        return friends
    }

    /// `POST /sandbox/send`: `phone`'s phone sends `text` to the account of `recipient`.
    static func phoneSends(from phone: String, to recipient: String, _ text: String) -> ClosedLoopLoad.Request {
        ClosedLoopLoad.Request(
            method: .POST, uri: "/sandbox/send", headers: [("admintoken", BenchmarkWorld.adminToken)],
            json: #"{"From":"\#(phone)","To":"\#(recipient)@s.whatsapp.net","Message":{"conversation":"\#(text)"}}"#)
    }
}
