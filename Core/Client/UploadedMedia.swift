import WAMedia

/// A file on WhatsApp's media hosts: where it is and what a message needs to point at it.
public struct UploadedMedia: Sendable, Hashable {
    /// The full URL the host answered (a message's `url`).
    public var url: String
    /// The path on any media host (a message's `directPath`), with its own query.
    public var directPath: String
    public var info: MediaFileInfo

    public init(url: String, directPath: String, info: MediaFileInfo) {
        self.url = url
        self.directPath = directPath
        self.info = info
    }
}
