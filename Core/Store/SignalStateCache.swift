import Synchronization

/// The `SignalDeviceCache` of every device of one database. `SignalStore` is a value created
/// wherever one is needed, so the caches live here, with the database: every store of a device
/// shares its device's cache, and a store never sees another device's, nor another database's
/// (one opened with another secret key must open the rows itself, and fail).
public final class SignalStateCache: Sendable {
    /// Sessions (and as many peer identities, sender keys and holder sets) kept per device:
    /// a few hundred bytes to a few kilobytes each, so at most some megabytes per device.
    public static let defaultCapacityPerDevice = 2048

    public let capacityPerDevice: Int
    /// Created at first use and kept while the database is open (emptied when the device is
    /// wiped), so that no two caches of one device ever exist.
    private let devices = Mutex<[String: SignalDeviceCache]>([:])

    public init(capacityPerDevice: Int = defaultCapacityPerDevice) {
        self.capacityPerDevice = capacityPerDevice
    }

    func device(_ device: String) -> SignalDeviceCache {
        devices.withLock { devices in
            if let cache = devices[device] { return cache }
            let cache = SignalDeviceCache(capacity: capacityPerDevice)
            devices[device] = cache
            return cache
        }
    }
}
