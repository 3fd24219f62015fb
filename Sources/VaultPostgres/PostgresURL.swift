import Foundation
import NIOSSL
import PostgresNIO

/// Where the PostgreSQL database is, and how to reach it:
/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|require|verify-full[&sslrootcert=<file>]]`
/// (or `postgresql://`). As with libpq: `disable` is plain TCP (the default; for loopback), `require` encrypts
/// without checking the server's certificate, `verify-full` encrypts and checks the certificate chain (against
/// `sslrootcert`, else the system's trust roots) and that it names the host or the IP address connected to
/// (swift-nio-ssl's RFC 6125 check).
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    /// Transport security of the connection.
    public enum TLSMode: String, Sendable, Equatable {
        case disable, require
        case verifyFull = "verify-full"
    }

    public let host: String
    public let port: Int
    public let user: String
    public let password: String?
    public let database: String
    public let tls: TLSMode
    /// PEM file of the certificate authorities to trust with `verify-full` (nil: the system's).
    public let rootCertificate: String?

    /// Parses `text`; the error names the part that is wrong, never the password.
    public init(_ text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw StorageURLError("a PostgreSQL URL starts with postgres:// (postgres://user@host:port/database)")
        }
        guard let host = url.host, !host.isEmpty else { throw StorageURLError("the PostgreSQL URL has no host") }
        guard let user = url.user, !user.isEmpty else { throw StorageURLError("the PostgreSQL URL has no user") }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { throw StorageURLError("the PostgreSQL URL has no database name") }
        var tls = TLSMode.disable
        var root: String?
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw StorageURLError("sslmode must be disable, require or verify-full")
                }
                tls = mode
            case "sslrootcert":
                guard let path = item.value, !path.isEmpty else { throw StorageURLError("sslrootcert needs a file") }
                root = path
            default:
                throw StorageURLError("unsupported PostgreSQL URL parameter \(item.name) (sslmode and sslrootcert only)")
            }
        }
        guard root == nil || tls == .verifyFull else { throw StorageURLError("sslrootcert applies to sslmode=verify-full only") }
        self.init(host: host, port: url.port ?? 5432, user: user, password: url.password, database: database, tls: tls, rootCertificate: root)
    }

    /// The URL of another database on the same server (tests create one database each).
    public func with(database: String) -> PostgresURL {
        PostgresURL(host: host, port: port, user: user, password: password, database: database, tls: tls, rootCertificate: rootCertificate)
    }

    private init(host: String, port: Int, user: String, password: String?, database: String, tls: TLSMode, rootCertificate: String?) {
        (self.host, self.port, self.user, self.password, self.database) = (host, port, user, password, database)
        (self.tls, self.rootCertificate) = (tls, rootCertificate)
    }

    /// The URL without its password.
    public var description: String {
        var text = "postgres://\(user)@\(host):\(port)/\(database)"
        if tls != .disable { text += "?sslmode=\(tls.rawValue)" + (rootCertificate.map { "&sslrootcert=\($0)" } ?? "") }
        return text
    }

    /// The driver's configuration; TLS contexts are made here (a missing or bad root file is an error).
    func configuration() throws -> PostgresConnection.Configuration {
        let security: PostgresConnection.Configuration.TLS
        switch tls {
        case .disable:
            security = .disable
        case .require:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            security = .require(try NIOSSLContext(configuration: config))
        case .verifyFull:
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .fullVerification
            if let rootCertificate { config.trustRoots = .file(rootCertificate) }
            security = .require(try NIOSSLContext(configuration: config))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database, tls: security)
    }
}

/// A malformed database URL.
public struct StorageURLError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
