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
        .library(name: "VaultCrypto", targets: ["VaultCrypto"]),
        .library(name: "VaultLedger", targets: ["VaultLedger"]),
        .library(name: "VaultProofs", targets: ["VaultProofs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
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
        // The embedded SQLite store (GRDB) behind the storage protocols.
        .target(
            name: "VaultSQLite",
            dependencies: [
                "VaultLedger", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "civicvault",
            dependencies: [
                "VaultCrypto", "VaultLedger", "VaultProofs", "VaultSQLite",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "VaultCryptoTests", dependencies: ["VaultCrypto"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(name: "VaultLedgerTests", dependencies: ["VaultLedger"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(name: "VaultProofsTests", dependencies: ["VaultProofs"], resources: [.copy("Vectors")], swiftSettings: strict),
        .testTarget(
            name: "VaultSQLiteTests",
            dependencies: ["VaultSQLite", "VaultLedger", "VaultCrypto", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "civicvaultTests",
            dependencies: ["civicvault", "VaultSQLite", "VaultLedger", "VaultCrypto", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict
        ),
    ]
)
