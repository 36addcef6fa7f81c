import Foundation
import WagoPluginKit

/// A Brazilian PIX payment request, as the `payment_info` (pay by PIX key) and
/// `review_and_pay` (order summary, then pay) native flows carry it: an order in minor units
/// (`value` / `offset`, e.g. 15000 / 100 = 150.00) and the PIX key as a static-code setting.
struct PixPayment {
    struct Item {
        var name: String
        var retailerID: String
        var value: Int64
        var quantity: Int64
    }

    var key: String
    /// `CPF`, `CNPJ`, `EMAIL`, `PHONE` or `EVP` (a random key).
    var keyType: String
    var merchantName: String
    var currency = "BRL"
    var referenceID: String
    var totalValue: Int64 = 0
    var offset: Int64 = 100
    var items: [Item] = []

    static let keyTypes = ["CPF", "CNPJ", "EMAIL", "PHONE", "EVP"]

    /// The key fields every PIX route shares: PixKey, PixType (inferred from the key when
    /// absent), MerchantName.
    init(_ body: RequestBody) throws {
        key = try body.requiredString("PixKey")
        if let type = try body.string("PixType"), !type.isEmpty {
            guard Self.keyTypes.contains(type.uppercased()) else {
                throw body.invalid("PixType", "must be one of \(Self.keyTypes.joined(separator: ", "))")
            }
            keyType = type.uppercased()
        } else {
            keyType = Self.inferredType(of: key)
        }
        merchantName = try body.string("MerchantName") ?? ""
        referenceID = Self.newReferenceID()
    }

    /// The order fields of `/send/reviewpay`: Currency, ReferenceID, TotalValue, TotalOffset
    /// and Items [{Name, Value, Quantity?, RetailerID?}]; TotalValue defaults to the items' sum.
    mutating func readOrder(_ body: RequestBody) throws {
        if let currency = try body.string("Currency"), !currency.isEmpty {
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw body.invalid("Currency", "must be a 3-letter ISO 4217 code")
            }
            self.currency = currency.uppercased()
        }
        if let reference = try body.string("ReferenceID"), !reference.isEmpty { referenceID = reference }
        offset = try body.integer("TotalOffset", in: 1...1_000_000) ?? offset
        items = try (body.objects("Items") ?? []).enumerated().map { index, item in
            Item(
                name: try item.requiredString("Name"), retailerID: try item.string("RetailerID") ?? "item-\(index + 1)",
                value: try item.integer("Value", in: 0...Int64(Int32.max)) ?? 0,
                quantity: try item.integer("Quantity", in: 1...1_000_000) ?? 1)
        }
        totalValue =
            try body.integer("TotalValue", in: 0...Int64(Int32.max)) ?? items.reduce(0) { $0 + $1.value * $1.quantity }
    }

    /// The native-flow button: `payment_info` or `review_and_pay`.
    func button(named name: String) -> NativeFlowButton {
        let subtotal = items.reduce(0) { $0 + $1.value * $1.quantity }
        let order: [String: Any] = [
            "status": "pending", "order_type": "ORDER", "subtotal": amount(subtotal),
            "items": items.map {
                ["retailer_id": $0.retailerID, "name": $0.name, "amount": amount($0.value), "quantity": $0.quantity]
            },
        ]
        let setting: [String: Any] = [
            "type": "pix_static_code",
            "pix_static_code": ["merchant_name": merchantName, "key": key, "key_type": keyType],
        ]
        return NativeFlowButton(
            name: name,
            parameters: [
                "currency": currency, "total_amount": amount(totalValue), "reference_id": referenceID,
                "type": "physical-goods", "order": order, "payment_settings": [setting],
                "share_payment_status": false,
            ])
    }

    private func amount(_ value: Int64) -> [String: Any] { ["value": value, "offset": offset] }

    /// PHONE for +digits, EMAIL with an @, CPF for 11 digits, CNPJ for 14, else a random key.
    static func inferredType(of key: String) -> String {
        let digits = key.filter { $0.isASCII && $0.isNumber }
        if key.contains("@") { return "EMAIL" }
        if key.hasPrefix("+") { return "PHONE" }
        if digits.count == key.filter({ !".-/".contains($0) }).count {
            if digits.count == 11 { return "CPF" }
            if digits.count == 14 { return "CNPJ" }
        }
        return "EVP"
    }

    private static func newReferenceID() -> String {
        String((0..<11).map { _ in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".randomElement() ?? "0" })
    }
}
