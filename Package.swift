// swift-tools-version:6.0
// The WaGo gateway: a small core (Core/) and dlopen-loaded feature plugins (Plugins/).
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "wago",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wago", targets: ["wago"]),
        .library(name: "WagoPluginKit", targets: ["WagoPluginKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // MARK: The plugin ABI: one C header, the single source of truth, and the Swift SDK.
        .target(name: "WagoPluginABI", path: "Core/PluginABI"),
        .target(
            name: "WagoPluginKit", dependencies: ["WagoPluginABI"], path: "Core/PluginKit",
            swiftSettings: swiftSettings),

        // MARK: Storage: SQLite through GRDB, numbered migrations, secrets sealed at rest.
        .target(
            name: "WagoStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Core/Store", swiftSettings: swiftSettings),

        // MARK: The gateway: HTTP layer, auth, sessions, webhooks and the plugin host.
        .target(
            name: "WagoServer",
            dependencies: [
                "WagoPluginABI", "WagoPluginKit", "WagoStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Core/Server", swiftSettings: swiftSettings),
        .executableTarget(
            name: "wago",
            dependencies: [
                "WagoServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Core/CLI", swiftSettings: swiftSettings),

        // MARK: Tests
        .testTarget(
            name: "WagoServerTests",
            dependencies: [
                "WagoServer", "WagoStore", "WagoPluginABI",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/WagoServerTests"),
        .testTarget(
            name: "WagoPluginKitTests", dependencies: ["WagoPluginKit", "WagoPluginABI"],
            path: "Tests/WagoPluginKitTests", swiftSettings: swiftSettings),
    ]
)
