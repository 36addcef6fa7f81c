import Logging
import Synchronization

/// Keeps every message logged through it, for tests that check what a component logged.
struct RecordingLogHandler: LogHandler {
    /// The messages logged so far, shared by every copy of the handler.
    final class Record: Sendable {
        private let entries = Mutex<[(level: Logger.Level, message: String)]>([])

        var messages: [(level: Logger.Level, message: String)] { entries.withLock { $0 } }

        fileprivate func append(_ level: Logger.Level, _ message: String) {
            entries.withLock { $0.append((level, message)) }
        }
    }

    let record: Record
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    /// A logger whose messages land in `record`.
    static func logger(recordingTo record: Record) -> Logger {
        Logger(label: "wago.test.recorded") { _ in RecordingLogHandler(record: record) }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        record.append(event.level, event.message.description)
    }
}
