import Foundation
import Logging
import WABinary
import WAMedia
import WAMessaging
import WATransport
import WagoHTTPClient

/// Media files on WhatsApp's hosts, as whatsmeow handles them (`upload.go`, `download.go`,
/// `mediaconn.go`): hosts and upload credentials from a `media_conn` iq, cached for its `ttl`;
/// bodies encrypted and checked by WAMedia.
extension WhatsAppClient {
    /// The most a download may weigh when the message does not say how long the file is.
    static let maxUnannouncedDownloadBytes = 128 * 1024 * 1024

    /// Encrypts `data` as a file of `type` under a fresh media key and uploads it to the first
    /// media host.
    public func upload(_ data: [UInt8], type: MediaType) async throws -> UploadedMedia {
        let encrypted: EncryptedMedia
        do throws(MediaError) {
            encrypted = try MediaCipher.encrypt(data, type: type)
        } catch {
            throw MediaTransferError.media(error)
        }
        let connection = try await mediaConnection()
        let uploadURL: String
        do throws(MediaURLError) {
            uploadURL = try connection.uploadURL(type: type, fileEncSha256: encrypted.info.fileEncSha256)
        } catch {
            throw MediaTransferError.url(error)
        }
        let request = try mediaRequest(.post, uploadURL, body: encrypted.body)
        let response = try await sendMedia(request, responseBodyLimit: 64 * 1024)
        guard response.status == 200 else { throw MediaTransferError.status(response.status) }
        guard let answer = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let url = answer["url"] as? String, let directPath = answer["direct_path"] as? String
        else { throw MediaTransferError.unexpectedUploadAnswer }
        return UploadedMedia(url: url, directPath: directPath, info: encrypted.info)
    }

    /// Downloads the file at `directPath` and decrypts it (`download(from:info:type:)`). A file
    /// the host no longer has (HTTP 404 or 410) that came in a message we received lately is
    /// asked for again from the sender's phone (media retry) and downloaded from its new path.
    public func download(directPath: String, info: MediaFileInfo, type: MediaType) async throws -> [UInt8] {
        do {
            return try await download(from: directPath, info: info, type: type)
        } catch MediaTransferError.status(let status) where status == 404 || status == 410 {
            guard let message = receivedMessage(withMediaKey: info.mediaKey) else { throw MediaTransferError.status(status) }
            logger.info("media expired on the host; asking the sender's phone for it", metadata: ["id": "\(message.id)"])
            let renewed = try await requestMediaRetry(for: message, mediaKey: info.mediaKey)
            return try await download(from: renewed, info: info, type: type)
        }
    }

    /// Downloads the file at `directPath` from each media host in turn until one answers, and
    /// decrypts it; nothing comes out unless the MAC and the hashes `info` gives match (an
    /// empty hash is not checked). Like whatsmeow, a failed check or an HTTP 403, 404
    /// or 410 is final: other hosts serve the same file.
    private func download(from directPath: String, info: MediaFileInfo, type: MediaType) async throws -> [UInt8] {
        let connection = try await mediaConnection()
        let urls: [String]
        do throws(MediaURLError) {
            urls = try connection.downloadURLs(directPath: directPath, fileEncSha256: info.fileEncSha256, type: type)
        } catch {
            throw MediaTransferError.url(error)
        }
        let limit =
            info.fileLength > 0
            ? MediaCipher.encryptedLength(ofPlaintextLength: Int(clamping: info.fileLength))
            : Self.maxUnannouncedDownloadBytes
        var lastError = MediaTransferError.url(.noHosts)
        for url in urls {
            let response: HTTPClientResponse
            do throws(MediaTransferError) {
                response = try await sendMedia(try mediaRequest(.get, url), responseBodyLimit: limit)
            } catch {
                lastError = error
                logger.warning("media download failed; trying the next host", metadata: ["error": "\(error)"])
                continue
            }
            guard response.status == 200 else {
                lastError = .status(response.status)
                if [403, 404, 410].contains(response.status) { break }
                continue
            }
            do throws(MediaError) {
                return try MediaCipher.decrypt(
                    response.body, type: type, mediaKey: info.mediaKey,
                    fileSha256: info.fileSha256.isEmpty ? nil : info.fileSha256,
                    fileEncSha256: info.fileEncSha256.isEmpty ? nil : info.fileEncSha256)
            } catch {
                throw MediaTransferError.media(error)
            }
        }
        throw lastError
    }

    /// The cached `media_conn` answer, or a fresh one once its `ttl` ran out.
    func mediaConnection() async throws -> MediaConnection {
        if let cached = cachedMediaConnection, ContinuousClock.now < cached.expiresAt { return cached.connection }
        let answer = try await socket.sendIQ(MediaConnection.request())
        try ClientError.check(answer)
        let connection: MediaConnection
        do throws(MediaConnectionError) {
            connection = try MediaConnection(answer: answer)
        } catch {
            throw MediaTransferError.mediaConnection(error)
        }
        cachedMediaConnection = (connection, ContinuousClock.now + .seconds(connection.ttl))
        return connection
    }

    /// A request to a media host with the headers WhatsApp Web sends. Hosts are reached over
    /// https, or over plain http when the chat socket itself is plain `ws://` (a sandbox).
    private func mediaRequest(
        _ method: HTTPClientRequest.Method, _ url: String, body: [UInt8] = []
    ) throws(MediaTransferError) -> HTTPClientRequest {
        let secure = !configuration.socket.url.lowercased().hasPrefix("ws://")
        let text = secure || !url.hasPrefix("https://") ? url : "http://" + String(url.dropFirst("https://".count))
        guard let parsed = URL(string: text) else { throw .http(.invalidURL("the media URL does not parse")) }
        let origin = WhatsAppSocketSettings.origin
        return HTTPClientRequest(
            method: method, url: parsed, headers: [("Origin", origin), ("Referer", origin + "/")], body: body)
    }

    private func sendMedia(
        _ request: HTTPClientRequest, responseBodyLimit: Int
    ) async throws(MediaTransferError) -> HTTPClientResponse {
        let client: HTTPClient
        if let existing = mediaHTTPClient {
            client = existing
        } else {
            do throws(HTTPClientError) {
                client = try HTTPClient(requestTimeout: .seconds(300), extraCAFile: configuration.socket.caFile)
            } catch {
                throw .http(error)
            }
            mediaHTTPClient = client
        }
        do throws(HTTPClientError) {
            return try await client.send(request, responseBodyLimit: responseBodyLimit)
        } catch {
            throw .http(error)
        }
    }
}
