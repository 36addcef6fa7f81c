/// A file ready for upload: the body to POST and what the message needs to point at it.
public struct EncryptedMedia: Sendable, Hashable {
    /// ciphertext ‖ the 10-byte MAC.
    public var body: [UInt8]
    public var info: MediaFileInfo

    public init(body: [UInt8], info: MediaFileInfo) {
        self.body = body
        self.info = info
    }
}
