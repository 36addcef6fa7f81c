import WAClient
import WagoPluginABI

/// A host service's failure as the ABI reports it: a status and a message for the plugin.
struct HostServiceError: Error {
    let status: wago_status
    let message: String

    init(_ status: some BinaryInteger, _ message: String) {
        self.status = wago_status(status)
        self.message = message
    }

    /// Maps what a client operation threw: WhatsApp's refusals are REMOTE, a missing ack TIMEOUT.
    init(_ error: any Error) {
        switch error {
        case let error as HostServiceError: self = error
        case ClientError.server(408, _): self.init(WAGO_ERR_TIMEOUT, "\(error)")
        case ClientError.server, ClientError.disconnectedBeforeAck: self.init(WAGO_ERR_REMOTE, "\(error)")
        case ClientError.notConnected, ClientError.notLoggedIn, ClientError.loggedOut:
            self.init(WAGO_ERR_NOT_CONNECTED, "\(error)")
        default: self.init(WAGO_ERR_INTERNAL, "\(error)")
        }
    }
}
