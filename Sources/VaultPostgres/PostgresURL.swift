import Foundation
import PostgresNIO

/// Where the PostgreSQL database is: `postgres://user[:password]@host[:port]/database` (or `postgresql://`).
/// Only plain TCP is supported (use it on loopback or a private network; see docs/DEPLOYMENT.md).
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public let host: String
    public let port: Int
    public let user: String
    public let password: String?
    public let database: String

    /// Parses `text`; the error names the part that is wrong, never the password.
    public init(_ text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw StorageURLError("a PostgreSQL URL starts with postgres:// (postgres://user@host:port/database)")
        }
        guard let host = url.host, !host.isEmpty else { throw StorageURLError("the PostgreSQL URL has no host") }
        guard let user = url.user, !user.isEmpty else { throw StorageURLError("the PostgreSQL URL has no user") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw StorageURLError("the PostgreSQL URL has no database name") }
        for item in url.queryItems ?? [] where !(item.name == "sslmode" && item.value == "disable") {
            throw StorageURLError("unsupported PostgreSQL URL parameter \(item.name) (only sslmode=disable)")
        }
        self.host = host
        self.port = url.port ?? 5432
        self.user = user
        self.password = url.password
        self.database = database
    }

    /// The URL of another database on the same server (tests create one database each).
    public func with(database: String) -> PostgresURL {
        PostgresURL(host: host, port: port, user: user, password: password, database: database)
    }

    private init(host: String, port: Int, user: String, password: String?, database: String) {
        (self.host, self.port, self.user, self.password, self.database) = (host, port, user, password, database)
    }

    /// The URL without its password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    var configuration: PostgresConnection.Configuration {
        PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: .disable)
    }
}

/// A malformed database URL.
public struct StorageURLError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
