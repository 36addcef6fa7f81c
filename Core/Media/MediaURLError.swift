/// Why a media URL could not be built.
public enum MediaURLError: Error, Sendable, Hashable {
    /// A direct path must start with `/` (whatsmeow refuses it too); holds the path.
    case directPathWithoutLeadingSlash(String)
    /// The media connection listed no host to upload to.
    case noHosts
}
