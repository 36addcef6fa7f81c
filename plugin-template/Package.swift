// swift-tools-version:6.0
// A WaGo plugin package: copy this folder, rename the plugin, write routes, run ./build.sh.
// Sources/WagoPluginABI and Sources/WagoPluginKit are vendored from the WaGo server
// (scripts/check-vendored.sh keeps them identical); the plugin is Sources/WagoHelloSwift.
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // No regex here: skipping the implicit _StringProcessing import keeps the plugin from
    // linking its libraries.
    .unsafeFlags(["-Xfrontend", "-disable-implicit-string-processing-module-import"]),
]

let package = Package(
    name: "wago-plugin-template",
    products: [
        // The plugin: .build/release/libWagoHelloSwift.so
        .library(name: "WagoHelloSwift", type: .dynamic, targets: ["WagoHelloSwift"])
    ],
    targets: [
        .target(name: "WagoPluginABI"),
        .target(name: "WagoPluginKit", dependencies: ["WagoPluginABI"], swiftSettings: swiftSettings),
        .target(name: "WagoHelloSwift", dependencies: ["WagoPluginKit", "WagoPluginABI"], swiftSettings: swiftSettings),
    ]
)
