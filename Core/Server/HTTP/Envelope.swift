import Foundation
import Hummingbird
import Logging

/// WaGo's response envelope. Keys are sorted, as Go's encoder writes maps.
enum Envelope {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// `{"code":status,"data":<data>,"success":true}`
    static func success(_ data: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        try wrap(dataJSON: encoder.encode(data), status: status)
    }

    /// Wraps JSON that is already encoded (a plugin's answer) without parsing it again.
    static func wrap(dataJSON: some Collection<UInt8>, status: HTTPResponse.Status) -> Response {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(dataJSON.count + 40)
        buffer.writeString("{\"code\":\(status.code),\"data\":")
        buffer.writeBytes(dataJSON)
        buffer.writeString(",\"success\":\(status.code < 400)}")
        return response(buffer, status: status)
    }

    /// `{"code":status,"error":message,"success":false}`
    static func failure(_ error: APIError) -> Response {
        struct Failure: Encodable {
            var code: Int
            var error: String
            var success = false
        }
        let body = (try? encoder.encode(Failure(code: error.status.code, error: error.message))) ?? Data()
        return response(ByteBuffer(bytes: body), status: error.status)
    }

    private static func response(_ body: ByteBuffer, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: body))
    }
}

/// Turns every error that escapes a handler into the envelope, so no client ever sees a bare
/// status or a Swift error description it cannot parse.
struct EnvelopeErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Envelope.failure(error)
        } catch let error as HTTPError {
            let message = error.body ?? (error.status == .notFound ? "no route for \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            return Envelope.failure(APIError(error.status, message))
        } catch {
            context.logger.error("unhandled error on \(request.method) \(request.uri.path): \(error)")
            return Envelope.failure(.internalError("internal error: \(error)"))
        }
    }
}
