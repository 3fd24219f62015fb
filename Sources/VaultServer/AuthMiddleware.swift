import Foundation
import Hummingbird
import Logging
import Prometheus
import VaultCore
import VaultCrypto
import VaultLedger
import VaultNode
import VaultSQLite

/// Resolves `Authorization: Bearer <token>` into the request's caller; refuses with 401 when the token is
/// missing, malformed, unknown, revoked or expired. Tokens are compared by hash in constant time.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = VaultRequestContext
    let tokens: TokenRegistry

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw APIError.unauthorized }
        let grant = try await BlockingCallCheck.offload({ try tokens.resolve(String(header.dropFirst("Bearer ".count))) })
        guard !grant.signInLink else { throw APIError(.unauthorized, "sign_in_link", "a sign-in link signs in to the pages once; it is no bearer token") }
        var context = context
        context.caller = grant.caller
        context.citizen = grant.citizen
        return try await next(request, context)
    }
}

extension VaultRequestContext {
    /// The caller, who must have one of `roles`; 403 otherwise.
    func require(_ roles: Set<Role>) throws -> Caller {
        guard let caller else { throw APIError.unauthorized }
        guard roles.contains(caller.role) else {
            throw APIError(.forbidden, "forbidden", "role \(caller.role.rawValue) may not use this route")
        }
        return caller
    }
}
