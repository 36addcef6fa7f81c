/// Why a `media_conn` answer could not be read.
public enum MediaConnectionError: Error, Sendable, Hashable {
    /// Not an `<iq>` holding `<media_conn>`; names the tag found instead.
    case unexpectedAnswer(tag: String)
    /// The server answered `<iq type=error><error code text/>`.
    case refused(code: String, text: String)
    /// A required attribute is absent from the named element.
    case missingAttribute(String, tag: String)
    /// A numeric attribute (`ttl`, `auth_ttl`, `max_buckets`) that is not a decimal integer.
    case notAnInteger(String, value: String)
    /// `<media_conn>` listed no `<host>`.
    case noHosts
}
