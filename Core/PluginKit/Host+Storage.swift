// Key-value storage private to this plugin and one session: local and synchronous, so it may
// be used from inline handlers. An empty session means the plugin's global space.

import WagoPluginABI

extension Host {
    /// The value stored under `key`, or nil when there is none.
    public func kvGet(_ key: String, session: String) throws(HostError) -> [UInt8]? {
        let get = try service(table.api.kv_get, "kv_get")
        var value: [UInt8]?
        let status = withUnsafeMutablePointer(to: &value) { value in
            session.withWagoStr { session in key.withWagoStr { key in get(table.api.host, session, key, copyStoredValue, value) } }
        }
        if status == wago_status(WAGO_ERR_NOT_FOUND) { return nil }
        try check(status, "kv_get")
        return value
    }

    public func kvSet(_ key: String, _ value: [UInt8], session: String) throws(HostError) {
        let set = try service(table.api.kv_set, "kv_set")
        let status = session.withWagoStr { session in
            key.withWagoStr { key in value.withWagoBytes { value in set(table.api.host, session, key, value) } }
        }
        try check(status, "kv_set")
    }

    public func kvDelete(_ key: String, session: String) throws(HostError) {
        let delete = try service(table.api.kv_delete, "kv_delete")
        let status = session.withWagoStr { session in key.withWagoStr { key in delete(table.api.host, session, key) } }
        try check(status, "kv_delete")
    }
}

/// kv_get's visitor: copies the BORROWED value into the `[UInt8]?` that `context` points to.
private let copyStoredValue: wago_visitor = { context, value in
    context?.assumingMemoryBound(to: [UInt8]?.self).pointee = value.array
}
