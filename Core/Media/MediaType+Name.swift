extension MediaType {
    /// The type a caller names: a raw value (`image`, `document`, `appState`, ...), an mms
    /// type (`md-msg-hist`, `thumbnail-link`, ...) or a message kind that travels as another
    /// type (`sticker` is an image, `ptt` audio, `ptv` video). Case does not matter.
    public init?(name: String) {
        let name = name.lowercased()
        switch name {
        case "sticker": self = .image
        case "ptt", "voice": self = .audio
        case "ptv": self = .video
        default:
            guard let type = MediaType.allCases.first(where: { $0.rawValue.lowercased() == name || $0.mmsType == name })
            else { return nil }
            self = type
        }
    }
}
