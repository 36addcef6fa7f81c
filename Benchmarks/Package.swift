// swift-tools-version:6.0
// Benchmarks, run on demand and never by `swift test`: see README.md here.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "wago-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "GatewayBenchmark",
            dependencies: [
                .product(name: "WagoServer", package: "wago"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "CodecBenchmark", dependencies: [.product(name: "WABinary", package: "wago")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "NoiseBenchmark", dependencies: [.product(name: "WASocket", package: "wago")],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "SignalBenchmark",
            dependencies: [.product(name: "WASignal", package: "wago"), .product(name: "WACrypto", package: "wago")],
            swiftSettings: swiftSettings),
    ]
)
