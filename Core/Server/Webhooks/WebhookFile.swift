import Foundation

/// A media file a delivery forwards as the `file` part of WaGo's multipart form.
struct WebhookFile: Sendable, Equatable {
    var bytes: [UInt8]
    /// The part's file name: the message id and an extension for its type (a document's own
    /// name when it has one).
    var fileName: String
    /// The message's `mimetype`, or `application/octet-stream`.
    var contentType: String
}
