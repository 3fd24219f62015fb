// swift-tools-version: 6.0
import PackageDescription

/// Strict settings for every target of ours (see ../shared/STYLE.md).
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "CivicVault",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "civicvault", targets: ["civicvault"]),
        .executable(name: "civicvault-bench", targets: ["CivicVaultBench"]),
        .library(name: "VaultCrypto", targets: ["VaultCrypto"]),
        .library(name: "VaultLedger", targets: ["VaultLedger"]),
        .library(name: "VaultProofs", targets: ["VaultProofs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libsodium from the system (Debian: libsodium-dev). The only C dependency for crypto.
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"])]
        ),
        // Every call into libsodium lives here.
        .target(name: "VaultCrypto", dependencies: ["CSodium"], swiftSettings: strict),
        // RFC 6962 Merkle tree, entries, blocks, checkpoints. Pure: storage is a protocol.
        .target(name: "VaultLedger", dependencies: ["VaultCrypto"], swiftSettings: strict),
        // Pedersen commitments and sigma-protocol proofs. Pure.
        .target(name: "VaultProofs", dependencies: ["VaultCrypto"], swiftSettings: strict),
        // The domain: schemas, records, tiers, key hierarchy, grants, audit. Storage only through protocols.
        .target(name: "VaultCore", dependencies: ["VaultCrypto", "VaultLedger", "VaultProofs"], swiftSettings: strict),
        // The tables of a node's database, defined once (names, column types, keys, indexes) for both stores' statements
        // and checked against both live catalogues by VaultStorageTests. No dependencies.
        .target(name: "VaultTables", swiftSettings: strict),
        // The embedded SQLite store (GRDB) behind the storage protocols.
        .target(
            name: "VaultSQLite",
            dependencies: [
                "VaultLedger", "VaultCore", "VaultNode", "VaultTables", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // What a service node needs beyond the vault, whatever the database: the public ledger it serves, bearer
        // tokens, witness cosignatures. Storage only through protocols.
        .target(name: "VaultNode", dependencies: ["VaultCore", "VaultLedger", "VaultCrypto"], swiftSettings: strict),
        // The shared PostgreSQL store (postgres-nio) behind the same protocols, for several stateless nodes.
        .target(
            name: "VaultPostgres",
            dependencies: [
                "VaultNode", "VaultCore", "VaultLedger", "VaultCrypto", "VaultTables",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The pages for people (no HTTP here): Mustache templates, the stylesheet and scripts as resources, server-side
        // sessions with their CSRF tokens, and the plain-language wording of log events and predicates.
        .target(
            name: "VaultPages",
            dependencies: ["VaultCore", "VaultCrypto", "VaultLedger", .product(name: "Mustache", package: "swift-mustache")],
            resources: [.copy("Resources")],
            swiftSettings: strict
        ),
        // The HTTP service (Hummingbird 2): routes, bearer-token auth, JSON errors, metrics, and the pages' routes.
        .target(
            name: "VaultServer",
            dependencies: [
                "VaultCore", "VaultNode", "VaultSQLite", "VaultProofs", "VaultLedger", "VaultCrypto", "VaultPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "civicvault",
            dependencies: [
                "VaultCrypto", "VaultLedger", "VaultProofs", "VaultCore", "VaultNode", "VaultSQLite", "VaultPostgres", "VaultServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // The benchmarks `make bench` runs (scripts/bench/run.py), with their raw SQLite and PostgreSQL baselines: a
        // binary of its own, so the product above links no GRDB and knows no table names.
        .executableTarget(
            name: "CivicVaultBench",
            dependencies: [
                "VaultCrypto", "VaultLedger", "VaultProofs", "VaultCore", "VaultNode", "VaultSQLite", "VaultPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // Shared by the storage tests: opens a fresh node store on SQLite or on PostgreSQL.
        .target(
            name: "VaultTestSupport",
            dependencies: [
                "VaultCore", "VaultCrypto", "VaultLedger", "VaultNode", "VaultSQLite", "VaultPostgres", "VaultTables",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/VaultTestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "VaultStorageTests",
            dependencies: [
                "VaultTestSupport", "VaultCore", "VaultCrypto", "VaultLedger", "VaultNode", "VaultSQLite", "VaultPostgres", "VaultTables",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "VaultCryptoTests", dependencies: ["VaultCrypto", "VaultTestSupport"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(name: "VaultLedgerTests", dependencies: ["VaultLedger", "VaultTestSupport"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(name: "VaultProofsTests", dependencies: ["VaultProofs", "VaultTestSupport"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(
            name: "VaultServerTests",
            dependencies: [
                "VaultServer", "VaultCore", "VaultNode", "VaultSQLite", "VaultLedger", "VaultCrypto", "VaultTestSupport", "VaultPages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "VaultCoreTests", dependencies: ["VaultCore", "VaultNode", "VaultSQLite", "VaultTestSupport", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
        .testTarget(
            name: "VaultSQLiteTests",
            dependencies: ["VaultSQLite", "VaultNode", "VaultLedger", "VaultCrypto", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "CivicVaultBenchTests",
            dependencies: ["CivicVaultBench", "civicvault", "VaultTestSupport", "VaultPostgres", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "civicvaultTests",
            dependencies: ["civicvault", "VaultCore", "VaultNode", "VaultSQLite", "VaultPostgres", "VaultTestSupport", "VaultLedger", "VaultCrypto", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
    ]
)
