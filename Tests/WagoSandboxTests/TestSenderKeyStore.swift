import WASignal

/// A test device's group sender keys, in memory.
actor TestSenderKeyStore: SignalSenderKeyStore {
    private var records: [SenderKeyName: SenderKeyRecord] = [:]

    func senderKey(for name: SenderKeyName) -> SenderKeyRecord? { records[name] }

    func storeSenderKey(_ record: SenderKeyRecord, for name: SenderKeyName) {
        records[name] = record
    }
}
