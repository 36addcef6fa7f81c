import HTTPTypes

/// A control API refusal: the status and the message of its `{"error":"..."}` body.
struct ControlError: Error, Sendable, Equatable {
    var status: HTTPResponse.Status
    var message: String

    static func badRequest(_ message: String) -> ControlError { ControlError(status: .badRequest, message: message) }
    static func notFound(_ message: String) -> ControlError { ControlError(status: .notFound, message: message) }
    static func forbidden(_ message: String) -> ControlError { ControlError(status: .forbidden, message: message) }
    static func conflict(_ message: String) -> ControlError { ControlError(status: .conflict, message: message) }
    static func gone(_ message: String) -> ControlError { ControlError(status: .gone, message: message) }
    static func badGateway(_ message: String) -> ControlError { ControlError(status: .badGateway, message: message) }
    static func gatewayTimeout(_ message: String) -> ControlError {
        ControlError(status: .gatewayTimeout, message: message)
    }
    static func internalError(_ message: String) -> ControlError {
        ControlError(status: .internalServerError, message: message)
    }
    static let unauthorized = ControlError(status: .unauthorized, message: "missing or wrong admintoken")
    static let notListening = ControlError(status: .serviceUnavailable, message: "the sandbox is not listening yet")

    /// The answer to an account operation that failed.
    init(_ error: AccountStoreError) {
        switch error {
        case .invalidPhone: self = .badRequest(error.description)
        case .accountExists: self = .conflict(error.description)
        case .unknownAccount, .unknownDevice: self = .notFound(error.description)
        case .storage: self = .internalError(error.description)
        }
    }

    init(status: HTTPResponse.Status, message: String) {
        self.status = status
        self.message = message
    }
}
