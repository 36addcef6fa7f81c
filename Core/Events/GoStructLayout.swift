/// The fields of the Go struct protoc-gen-go generates for one protobuf message, in struct
/// (declaration) order: what `encoding/json` walks when whatsmeow's events are marshalled.
///
/// The table itself is `GoStructLayout+Generated.swift`, written from Core/Proto/Definitions
/// by scripts/generate-go-json-layouts.py.
struct GoStructLayout: Sendable {
    /// One field of the Go struct.
    enum Slot: Sendable {
        /// A plain field: its number and json tag (the proto JSON name, e.g. `fileSHA256`).
        /// Tagged `omitempty`, so it is left out when unset (or an empty byte string).
        case field(Int, String)
        /// A repeated field (a Go slice, tagged `omitempty`): number and json tag.
        case repeated(Int, String)
        /// A oneof: one interface field keyed by its Go name (it has no json tag and no
        /// omitempty, so an unset oneof is `null`), holding a wrapper struct whose single field
        /// is keyed by the member's Go name: `"Header":{"ImageMessage":{...}}`.
        case oneof(String, [(Int, String)])
    }

    let slots: [Slot]
    /// Every protobuf field number the struct has a field for.
    let fieldNumbers: Set<Int>

    init(_ slots: [Slot]) {
        self.slots = slots
        fieldNumbers = Set(slots.flatMap { slot -> [Int] in
            switch slot {
            case .field(let number, _), .repeated(let number, _): [number]
            case .oneof(_, let members): members.map(\.0)
            }
        })
    }
}
