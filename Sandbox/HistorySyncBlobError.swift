/// Why a virtual phone could not build a history blob.
enum HistorySyncBlobError: Error, Sendable {
    /// zlib could not compress it (out of memory).
    case compression
}
