/// What a message needs to point at an uploaded file, besides its URL and direct path.
public struct MediaFileInfo: Sendable, Hashable {
    /// The 32-byte key the file's keys expand from (the message's `mediaKey`).
    public var mediaKey: [UInt8]
    /// SHA-256 of the plaintext (`fileSha256`).
    public var fileSha256: [UInt8]
    /// SHA-256 of the uploaded body, ciphertext ‖ MAC (`fileEncSha256`); also the upload token.
    public var fileEncSha256: [UInt8]
    /// The plaintext's length in bytes (`fileLength`).
    public var fileLength: UInt64

    public init(mediaKey: [UInt8], fileSha256: [UInt8], fileEncSha256: [UInt8], fileLength: UInt64) {
        self.mediaKey = mediaKey
        self.fileSha256 = fileSha256
        self.fileEncSha256 = fileEncSha256
        self.fileLength = fileLength
    }
}
