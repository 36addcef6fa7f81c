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
        // Feature plugins: each a shared library that `wago serve` loads from its own folder.
        .library(name: "WagoMessaging", type: .dynamic, targets: ["WagoMessaging"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    ],
    targets: [
        // MARK: The plugin ABI: one C header, the single source of truth, and the Swift SDK.
        .target(name: "WagoPluginABI", path: "Core/PluginABI"),
        .target(
            name: "WagoPluginKit", dependencies: ["WagoPluginABI"], path: "Core/PluginKit",
            swiftSettings: swiftSettings),

        // MARK: The WhatsApp protocol stack, bottom up.
        .systemLibrary(name: "CZlib", path: "Core/CZlib"),
        .systemLibrary(
            name: "CSodium", path: "Core/CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        // Binary XML nodes, JIDs and their JSON form.
        .target(name: "WABinary", dependencies: ["CZlib"], path: "Core/Binary", swiftSettings: swiftSettings),
        // WhatsApp's protobufs: our .proto files in Definitions/, generated Swift beside them.
        .target(
            name: "WAProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Core/Proto", exclude: ["Definitions"], swiftSettings: swiftSettings),
        // Curve25519, XEdDSA, HKDF, HMAC, AES: the primitives Noise, Signal and media share.
        .target(
            name: "WACrypto",
            dependencies: [
                "CSodium",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Core/Crypto", swiftSettings: swiftSettings),
        // Frames, the Noise handshake and transport, certificates, client payloads.
        .target(
            name: "WASocket",
            dependencies: [
                "WAProto", "WACrypto",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Core/Socket", swiftSettings: swiftSettings),
        // The client connection: WebSocket, Noise, keepalive, reconnect, stream errors.
        .target(
            name: "WATransport",
            dependencies: [
                "WASocket", "WABinary", "WAProto", "WACrypto",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Core/Transport", swiftSettings: swiftSettings),
        // The Signal protocol as WhatsApp uses it: sessions, sender keys, stores.
        .target(name: "WASignal", dependencies: ["WACrypto"], path: "Core/Signal", swiftSettings: swiftSettings),
        // Device linking, both sides: QR texts, pair-success signatures, pair codes.
        .target(
            name: "WAPairing",
            dependencies: [
                "WABinary", "WAProto", "WACrypto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Core/Pairing", swiftSettings: swiftSettings),
        // Messages on the wire, both sides: device lists, bundles, encryption for devices, receipts.
        .target(
            name: "WAMessaging",
            dependencies: [
                "WABinary", "WAProto", "WASignal", "WACrypto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Core/Messaging", swiftSettings: swiftSettings),
        // Media encryption (keys, AES-CBC + truncated HMAC, hashes), media_conn hosts, URLs.
        .target(
            name: "WAMedia",
            dependencies: [
                "WABinary", "WACrypto", "WAProto",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            path: "Core/Media", swiftSettings: swiftSettings),
        // Outbound HTTP/1.1 (media hosts, webhooks, URL fetches), with the resolved address checked and pinned.
        .target(
            name: "WagoHTTPClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Core/HTTPClient", swiftSettings: swiftSettings),
        // Webhook event payloads byte for byte as WaGo/wuzapi post them (Go's encoding/json).
        .target(
            name: "WAEvents",
            dependencies: ["WABinary", "WAProto", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Core/Events", swiftSettings: swiftSettings),
        // A session's companion device: linking, login, prekeys, on top of the socket.
        .target(
            name: "WAClient",
            dependencies: [
                "WATransport", "WASocket", "WABinary", "WAProto", "WACrypto", "WASignal", "WAPairing", "WAMessaging",
                "WAMedia", "WagoStore", "WagoHTTPClient",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Core/Client", swiftSettings: swiftSettings),

        // MARK: The sandbox: a WhatsApp server on loopback (docs in DESIGN.md, "Sandbox").
        .target(
            name: "WagoSandbox",
            dependencies: [
                "WATransport", "WASocket", "WABinary", "WAProto", "WACrypto", "WAPairing", "WASignal", "WAMessaging",
                "WAMedia",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sandbox", swiftSettings: swiftSettings),

        // MARK: Storage: SQLite through GRDB, numbered migrations, secrets sealed at rest.
        .target(
            name: "WagoStore",
            dependencies: [
                "WASignal", "WACrypto",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Core/Store", swiftSettings: swiftSettings),

        // MARK: QR codes as PNG images, drawn by libqrencode.
        .systemLibrary(
            name: "CQREncode", path: "Core/CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .target(name: "WagoQRCode", dependencies: ["CQREncode", "CZlib"], path: "Core/QRCode", swiftSettings: swiftSettings),

        // MARK: The gateway: HTTP layer, auth, sessions, webhooks and the plugin host.
        .target(
            name: "WagoServer",
            dependencies: [
                "WagoPluginABI", "WagoPluginKit", "WagoStore", "WAClient", "WATransport", "WABinary", "WagoQRCode",
                "WAEvents", "WAMessaging", "WAProto", "WAMedia", "WagoHTTPClient",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Core/Server", swiftSettings: swiftSettings),
        .executableTarget(
            name: "wago",
            dependencies: [
                "WagoServer", "WABinary", "WagoSandbox", "WAClient", "WATransport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Core/CLI", swiftSettings: swiftSettings),

        // MARK: Feature plugins (Plugins/README.md): they see the ABI and the SDK, nothing else.
        .target(
            name: "WagoMessaging", dependencies: ["WagoPluginKit", "WagoPluginABI"], path: "Plugins/Messaging",
            swiftSettings: swiftSettings),

        // MARK: Benchmarks: executables run on demand (Benchmarks/README.md), never by tests.
        .executableTarget(
            name: "GatewayBenchmark",
            dependencies: [
                "WagoServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/Sources/GatewayBenchmark"),
        .executableTarget(name: "CodecBenchmark", dependencies: ["WABinary"], path: "Benchmarks/Sources/CodecBenchmark"),
        .executableTarget(name: "NoiseBenchmark", dependencies: ["WASocket"], path: "Benchmarks/Sources/NoiseBenchmark"),
        .executableTarget(name: "MediaBenchmark", dependencies: ["WAMedia"], path: "Benchmarks/Sources/MediaBenchmark"),
        .executableTarget(
            name: "SignalBenchmark", dependencies: ["WASignal", "WACrypto"], path: "Benchmarks/Sources/SignalBenchmark"),
        // REST sends and receive-to-webhook, gateway against the embedded sandbox.
        .executableTarget(
            name: "SendBenchmark",
            dependencies: [
                "WagoServer", "WagoSandbox", "WAClient", "WATransport", "WABinary",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/Sources/SendBenchmark", swiftSettings: swiftSettings),

        // MARK: Tests
        .target(name: "WagoTestSupport", dependencies: ["WABinary"], path: "Tests/Support", swiftSettings: swiftSettings),
        .testTarget(
            name: "WABinaryTests", dependencies: ["WABinary", "WagoTestSupport"],
            path: "Tests/WABinaryTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WAMessagingTests", dependencies: ["WAMessaging", "WABinary", "WagoTestSupport"],
            path: "Tests/WAMessagingTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WAProtoTests",
            dependencies: ["WAProto", "WagoTestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            path: "Tests/WAProtoTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WACryptoTests", dependencies: ["WACrypto", "WagoTestSupport"],
            path: "Tests/WACryptoTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WASocketTests",
            dependencies: [
                "WASocket", "WAProto", "WACrypto", "WagoTestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/WASocketTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WATransportTests", dependencies: ["WATransport", "WASocket", "WABinary"],
            path: "Tests/WATransportTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WagoSandboxTests",
            dependencies: [
                "WagoSandbox", "WATransport", "WASocket", "WABinary", "WAProto", "WACrypto", "WAPairing", "WASignal",
                "WAMessaging", "WAMedia",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/WagoSandboxTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WASignalTests",
            dependencies: [
                "WASignal", "WACrypto", "WagoStore", "WagoTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/WASignalTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WAPairingTests",
            dependencies: [
                "WAPairing", "WABinary", "WAProto", "WACrypto", "WagoTestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/WAPairingTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WAMediaTests", dependencies: ["WAMedia", "WABinary", "WACrypto", "WAProto", "WagoTestSupport"],
            path: "Tests/WAMediaTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WAEventsTests",
            dependencies: [
                "WAEvents", "WABinary", "WAProto", "WagoTestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/WAEventsTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WagoQRCodeTests", dependencies: ["WagoQRCode", "WagoTestSupport"], path: "Tests/WagoQRCodeTests",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "WagoServerTests",
            dependencies: [
                "WagoServer", "WagoStore", "WagoPluginABI", "WagoTestSupport", "WagoSandbox", "WAClient", "WABinary",
                "WACrypto", "WATransport", "WAProto", "WAMedia", "WagoHTTPClient",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/WagoServerTests"),
        .testTarget(
            name: "WagoPluginKitTests", dependencies: ["WagoPluginKit", "WagoPluginABI"],
            path: "Tests/WagoPluginKitTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "WagoMessagingTests", dependencies: ["WagoMessaging", "WagoPluginKit"],
            path: "Tests/WagoMessagingTests", swiftSettings: swiftSettings),
    ]
)
