import Foundation
import WABinary

extension RetryReceipt {
    /// What a device did with the retry receipts it got lately, kept in memory as whatsmeow keeps
    /// it (`retry.go`): how often each device asked for each message, and when a Signal session
    /// with each device was last started anew for one. Losing it in a restart only lets a device
    /// be answered or get a new session once more.
    public actor AnswerHistory {
        /// whatsmeow's `recreateSessionTimeout`: a session with a device that keeps asking
        /// without keys is started anew from a fetched bundle at most this often.
        public static let sessionRecreationInterval: TimeInterval = 3600
        /// whatsmeow drops a device's tenth ask for one message and any later one unanswered.
        public static let maxAnswers = 9
        /// How many (device, message) counts are kept; the oldest are forgotten first (whatsmeow
        /// keeps them all).
        static let answerCountCapacity = 4096

        private let now: @Sendable () -> Date
        private var answerCounts = RecentMessages<String, Int>(capacity: answerCountCapacity)
        /// When a session with each device was last started anew for a retry receipt.
        private var sessionRecreations: [JID: Date] = [:]

        /// - Parameter now: the clock (tests pass their own).
        public init(now: @escaping @Sendable () -> Date = { Date() }) {
            self.now = now
        }

        /// Counts `receipt` against its device and message: false from the device's tenth ask for
        /// that message on, which is then left unanswered.
        public func admit(_ receipt: RetryReceipt) -> Bool {
            let key = "\(receipt.requester) \(receipt.messageID)"
            let count = (answerCounts[key] ?? 0) + 1
            answerCounts.insert(count, for: key)
            return count <= Self.maxAnswers
        }

        /// Whether to fetch `device`'s bundle and start a new session before answering its retry
        /// receipt without keys (whatsmeow's `shouldRecreateSession`): always without a session;
        /// with one, from the second ask on and only when the last time was over
        /// `sessionRecreationInterval` ago. A yes is remembered as a new start.
        public func shouldRecreateSession(with device: JID, count: Int, hasSession: Bool) -> Bool {
            let now = now()
            if hasSession {
                guard count >= 2 else { return false }
                if let last = sessionRecreations[device], now <= last.addingTimeInterval(Self.sessionRecreationInterval) {
                    return false
                }
            }
            sessionRecreations[device] = now
            return true
        }
    }
}
