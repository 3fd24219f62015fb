import Hummingbird
import VaultCore

/// Marks each request's task so that a debug build traps on a blocking database call made on its cooperative
/// thread (see `BlockingCallCheck`): every route must reach storage through the async store doors or
/// `BlockingCallCheck.offload`.
struct BlockingCallCheckMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await BlockingCallCheck.$forbidden.withValue(true) { try await next(request, context) }
    }
}
