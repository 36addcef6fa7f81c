import WagoPluginABI

public enum WagoVersion {
    public static let current = "0.1.0"
    public static let pluginABI = WAGO_ABI_VERSION.abiVersionString
}
