import WAMedia
import WagoHTTPClient

/// Why an upload or a download failed.
public enum MediaTransferError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `media_conn` answer could not be used.
    case mediaConnection(MediaConnectionError)
    case url(MediaURLError)
    /// Encrypting failed, or the downloaded file failed a check (hash, MAC, padding).
    case media(MediaError)
    /// No HTTP response from the media host.
    case http(HTTPClientError)
    /// The host answered with a status other than 200.
    case status(Int)
    /// The upload answer is not JSON with `url` and `direct_path`.
    case unexpectedUploadAnswer
    /// The file expired on the host and asking the sender's phone to upload it again failed.
    case retry(MediaRetryError)

    public var description: String {
        switch self {
        case .mediaConnection(let error): "the media_conn answer is unusable: \(error)"
        case .url(let error): "cannot build the media URL: \(error)"
        case .media(let error): "media check failed: \(error)"
        case .http(let error): "media host: \(error)"
        case .status(let status): "the media host answered HTTP \(status)"
        case .unexpectedUploadAnswer: "the media host's upload answer has no url and direct_path"
        case .retry(let error): "the media expired on the host and its retry failed: \(error)"
        }
    }
}
