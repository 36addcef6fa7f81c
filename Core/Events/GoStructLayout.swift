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
    /// The slot of each protobuf field number the struct has a field for.
    let slotOfField: [Int: Int]
    /// The oneof slots, in order: written even when unset (as `null`).
    let oneofSlots: [Int]

    init(_ slots: [Slot]) {
        self.slots = slots
        var slotOfField: [Int: Int] = [:]
        var oneofSlots: [Int] = []
        for (index, slot) in slots.enumerated() {
            switch slot {
            case .field(let number, _), .repeated(let number, _): slotOfField[number] = index
            case .oneof(_, let members):
                oneofSlots.append(index)
                for (number, _) in members { slotOfField[number] = index }
            }
        }
        self.slotOfField = slotOfField
        self.oneofSlots = oneofSlots
    }

    /// The slots a message with fields `numbers` (all known) writes, in struct order: those of
    /// its fields and every oneof. A message sets a few of its type's many fields (WAE2E.Message
    /// has over a hundred), so only these are looked at.
    func slotsToWrite(_ numbers: some Sequence<Int>) -> [Int] {
        var indices = oneofSlots
        for number in numbers {
            guard let index = slotOfField[number] else { continue }
            if case .oneof = slots[index] { continue }  // among `oneofSlots` already
            indices.append(index)
        }
        return indices.sorted()
    }
}
