/// The sandbox's own router refused a phone's peer message (a sandbox bug, or the device
/// was unlinked meanwhile).
struct PeerMessageRefusal: Error, Sendable {
    var reason: String
}
