// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "poolbench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "poolbench", targets: ["poolbench"]),
        .library(name: "PoolBenchKit", targets: ["PoolBenchKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        // The http workload's client and the serve command's server.
        .package(url: "https://github.com/swift-server/async-http-client", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        // The http workload's trusted certificates (--cacert, --insecure).
        .package(url: "https://github.com/apple/swift-nio-ssl", exact: "2.37.6"),
        // Test-only: an independent CSV parser that reads exports back.
        .package(url: "https://github.com/swiftcsv/SwiftCSV", exact: "0.10.0"),
    ],
    targets: [
        .executableTarget(
            name: "poolbench",
            dependencies: [
                "PoolBenchKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // PostgreSQL's client library, for a team's shared history: its
        // header only (libpq-dev). No pkg-config, whose flags would link
        // libpq into every binary; it is loaded at run time instead.
        .systemLibrary(name: "CLibPQ"),
        // Starts command children marked to die with poolbench, which
        // posix_spawn cannot do.
        .target(name: "CPoolBenchSpawn"),
        .target(
            name: "PoolBenchKit",
            dependencies: [
                "CLibPQ",
                "CPoolBenchSpawn",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            plugins: ["EmbedMigrations"]
        ),
        .executableTarget(name: "embed-migrations", path: "Plugins/EmbedMigrationsTool"),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["embed-migrations"],
            path: "Plugins/EmbedMigrations"
        ),
        .executableTarget(
            name: "poolbench-benchmarks",
            dependencies: ["PoolBenchKit", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Benchmarks",
            exclude: ["python_pool.py", "python_http.py"]
        ),
        .testTarget(name: "PoolBenchKitTests", dependencies: ["PoolBenchKit", "SwiftCSV"]),
        .testTarget(name: "PoolBenchCLITests", dependencies: ["poolbench", "SwiftCSV"], exclude: ["Fixtures"]),
    ]
)
