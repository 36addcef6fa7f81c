// The Swift runtime a plugin was compiled for. Swift has no stable ABI on Linux, so a Swift
// plugin only loads into a host built by the same compiler release: the plugin puts this tag
// in its manifest and the host, which uses this same file, refuses a tag that differs from its
// own. Plugins written in C leave the manifest's runtime_tag NULL.

#if compiler(>=6.4)
#error("RuntimeTag.swift predates this Swift compiler: add a branch for it (see docs/plugin-abi.md)")
#elseif compiler(>=6.3)
/// `"swift-<major>.<minor>"` of the compiler that built this module, e.g. `"swift-6.3"`.
public let swiftRuntimeTag = "swift-6.3"
#else
#error("WagoPluginKit needs Swift 6.3 or newer (it relies on @c entry points)")
#endif
