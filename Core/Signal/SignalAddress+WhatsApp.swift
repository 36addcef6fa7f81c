extension SignalAddress {
    /// The address whatsmeow derives from a JID (`JID.SignalAddress`): the user part, suffixed
    /// with `_<agent>` when the server implies a non-zero agent (LID -> `_1`, hosted -> `_128`,
    /// hosted LID -> `_129`, other servers -> the JID's raw agent), and the device as device id.
    /// - Parameters:
    ///   - user: the JID's user part (phone number or LID).
    ///   - server: the JID's server, e.g. "s.whatsapp.net", "lid", "hosted", "hosted.lid".
    ///   - rawAgent: the JID's raw agent byte, used only for servers without a fixed agent.
    ///   - device: the JID's device number (0 for the primary device).
    public init(user: String, server: String, rawAgent: UInt8 = 0, device: UInt16) {
        let agent: UInt8
        switch server {
        case "s.whatsapp.net": agent = 0
        case "lid": agent = 1
        case "hosted": agent = 128
        case "hosted.lid": agent = 129
        default: agent = rawAgent
        }
        self.init(name: agent == 0 ? user : "\(user)_\(agent)", deviceID: UInt32(device))
    }
}
