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
    ],
    targets: [
        .executableTarget(
            name: "poolbench",
            dependencies: [
                "PoolBenchKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "PoolBenchKit",
            dependencies: [.product(name: "GRDB", package: "GRDB.swift")],
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
            exclude: ["python_pool.py"]
        ),
        .testTarget(name: "PoolBenchKitTests", dependencies: ["PoolBenchKit"]),
        .testTarget(name: "PoolBenchCLITests", dependencies: ["poolbench"]),
    ]
)
