import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WAMedia

/// The media host's HTTP side (uploads to `/mms/<type>/<token>?auth=…`, downloads by direct
/// path) and the control routes that upload and download as a virtual phone (docs/sandbox.md).
extension SandboxServer {
    nonisolated func addMediaRoutes(to router: Router<BasicRequestContext>) {
        router.post("/mms/:type/:token") { request, context -> Response in
            do throws(ControlError) {
                guard let type = context.parameters.get("type"), let token = context.parameters.get("token") else {
                    throw .notFound("no such upload path")
                }
                let auth = request.uri.queryParameters["auth"].map(String.init) ?? ""
                let body = try await Self.body(of: request, limit: MediaHost.maxBlobBytes)
                let stored = try await self.media.upload(body, mmsType: type, token: token, auth: auth)
                return Self.mediaResponse(.ok, Self.json(["url": stored.url, "direct_path": stored.directPath]))
            } catch {
                return Self.mediaResponse(error.status, Self.json(ErrorReply(error: error.message)))
            }
        }
        router.get("/v/:bucket/:file") { _, context -> Response in
            guard context.parameters.get("bucket") == MediaHost.bucket, let file = context.parameters.get("file"),
                let blob = await self.media.blob(file: file)
            else {
                if let file = context.parameters.get("file"), await self.media.isExpired(file: file) {
                    return Self.mediaResponse(.gone, Self.json(ErrorReply(error: "the media file expired")))
                }
                return Self.mediaResponse(.notFound, Self.json(ErrorReply(error: "no such media file")))
            }
            return Response(
                status: .ok, headers: [.contentType: "application/octet-stream"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: blob)))
        }
        router.post("/sandbox/media") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let type = try Self.mediaType(try body.string("Type"))
                guard let data = Data(base64Encoded: try body.string("Data")) else {
                    throw .badRequest("Data must be base64")
                }
                let encrypted: EncryptedMedia
                do {
                    encrypted = try MediaCipher.encrypt(Array(data), type: type)
                } catch {
                    throw .internalError("cannot encrypt: \(error)")
                }
                let stored = try await self.media.store(encrypted.body)
                return encrypted.info.uploadResultJSON(url: stored.url, directPath: stored.directPath)
            }
        }
        router.post("/sandbox/media/expire") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let directPath = try body.string("DirectPath")
                try await self.media.expire(directPath: directPath, keepOnPhone: try body.optionalBool("KeepOnPhone") ?? true)
                return Self.json(["DirectPath": directPath])
            }
        }
        router.post("/sandbox/media/download") { request, context in
            await self.answer(request, context) { body throws(ControlError) in
                let type = try Self.mediaType(try body.string("Type"))
                let reference: MediaMessageReference
                do {
                    reference = try MediaMessageReference(json: Data(try body.objectJSON("Message").utf8))
                } catch {
                    throw .badRequest("Message: \(error)")
                }
                guard let blob = await self.media.blob(directPath: reference.directPath) else {
                    throw .notFound("no media file at \(reference.directPath)")
                }
                let info = reference.info
                do {
                    let plaintext = try MediaCipher.decrypt(
                        blob, type: type, mediaKey: info.mediaKey,
                        fileSha256: info.fileSha256.isEmpty ? nil : info.fileSha256,
                        fileEncSha256: info.fileEncSha256.isEmpty ? nil : info.fileEncSha256)
                    return Self.json(["Data": Data(plaintext).base64EncodedString()])
                } catch {
                    throw .badRequest("the file does not decrypt with this message: \(error)")
                }
            }
        }
    }

    private static func mediaType(_ name: String) throws(ControlError) -> WAMedia.MediaType {
        guard let type = WAMedia.MediaType(name: name) else { throw .badRequest("Type \(name) is not a media type") }
        return type
    }

    private static func body(of request: Request, limit: Int) async throws(ControlError) -> [UInt8] {
        guard let buffer = try? await request.body.collect(upTo: limit) else {
            throw ControlError(status: .contentTooLarge, message: "the body could not be read or is over \(limit) bytes")
        }
        return Array(buffer.readableBytesView)
    }

    private static func mediaResponse(_ status: HTTPResponse.Status, _ json: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: json)))
    }
}
