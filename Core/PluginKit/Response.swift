// What a route handler answers. The SDK sends it through the host's respond_* exactly once.

public enum Response: Sendable {
    /// WaGo's success envelope around `data`, which must be JSON text:
    /// `{"code":status,"data":<data>,"success":true}`.
    case json(_ data: String, status: UInt16 = 200)
    /// WaGo's error envelope: `{"code":status,"error":message,"success":false}`.
    case error(_ status: UInt16, _ message: String)
    /// A body sent as it is, e.g. downloaded media.
    case raw(status: UInt16 = 200, contentType: String, body: [UInt8])
}

/// Thrown from a handler to answer with an error response, e.g.
/// `throw HTTPError(400, "missing Phone in payload")`. Any other error thrown by a handler
/// becomes a 500 whose message describes it.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public let status: UInt16
    public let message: String

    public init(_ status: UInt16, _ message: String) {
        (self.status, self.message) = (status, message)
    }

    public var description: String { "\(status) \(message)" }
}

extension Response {
    /// The response for an error thrown by a handler.
    init(thrown error: any Error) {
        switch error {
        case let error as HTTPError: self = .error(error.status, error.message)
        case let error as HostError: self = .error(500, error.message)
        default: self = .error(500, String(describing: error))
        }
    }
}
