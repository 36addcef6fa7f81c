import Foundation
import WagoPluginKit

/// Interactive messages: native-flow buttons, lists, templates, location requests, PIX
/// payments and carousels, each an `InteractiveMessage` in a view-once envelope.
extension MessagingPlugin {
    /// `/send/buttons` {Phone, Title, Content, Footer?, Buttons:[{id, text, type?}]}.
    static func sendButtons(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            try InteractiveMessage(
                title: try body.requiredString("Title"), body: try body.requiredString("Content"),
                footer: try body.string("Footer"), buttons: try NativeFlowButton.list(body, "Buttons", keys: .buttons)
            ).content()
        }
    }

    /// `/send/template` {Phone, Title?, Content, Footer?, Buttons?:[{DisplayText, Type, Id, Url,
    /// PhoneNumber}]}: call-to-action buttons (copy a code, open a URL, call a number).
    static func sendTemplate(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let buttons = try (body.objects("Buttons") ?? []).map { try NativeFlowButton($0, keys: .template) }
            return try InteractiveMessage(
                title: try body.string("Title"), body: try body.requiredString("Content"), footer: try body.string("Footer"),
                buttons: buttons
            ).content()
        }
    }

    /// `/send/list` {Phone, ButtonText, Desc, TopText, List:[{title, desc?, RowId}]}: TopText
    /// heads the message and the list, ButtonText opens it.
    static func sendList(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let topText = try body.requiredString("TopText")
            let rows = try body.requiredObjects("List").map { row in
                ["title": try row.requiredString("title"), "description": try row.string("desc") ?? "", "id": try row.requiredString("RowId")]
            }
            guard Set(rows.compactMap { $0["id"] }).count == rows.count else { throw body.invalid("List", "must not repeat a RowId") }
            let list = NativeFlowButton.singleSelect(
                title: try body.requiredString("ButtonText"), sections: [["title": topText, "rows": rows]])
            return try InteractiveMessage(title: topText, body: try body.requiredString("Desc"), buttons: [list]).content()
        }
    }

    /// `/send/locationbutton` {Phone, Body?}: a button asking the recipient to share their location.
    static func sendLocationButton(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let text = try body.string("Body").flatMap { $0.isEmpty ? nil : $0 } ?? "Tap the button to share your location"
            return try InteractiveMessage(body: text, buttons: [.sendLocation(text: "Send location")]).content()
        }
    }

    /// `/send/pixbutton` {Phone, Title?, Body, Footer?, PixKey, MerchantName?, PixType?}.
    static func sendPixButton(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let text = try body.requiredString("Body")
            let payment = try PixPayment(body)
            return try InteractiveMessage(
                title: try body.string("Title"), body: text, footer: try body.string("Footer"),
                buttons: [payment.button(named: "payment_info")]
            ).content()
        }
    }

    /// `/send/reviewpay` {Phone, Title?, Body, Caption?, Footer?, PixKey, MerchantName?, PixType?,
    /// Currency?, ReferenceID?, TotalValue?, TotalOffset?, Items?}: an order to review, paid by PIX.
    static func sendReviewAndPay(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host) { body in
            let text = try body.requiredString("Body")
            var payment = try PixPayment(body)
            try payment.readOrder(body)
            return try InteractiveMessage(
                title: try body.string("Title"), subtitle: try body.string("Caption"), body: text,
                footer: try body.string("Footer"), buttons: [payment.button(named: "review_and_pay")]
            ).content()
        }
    }

    /// `/send/carousel` {phone, message, footer?, carousel:[{text, title?, footer?, buttons}]}
    /// (WaGo's lower-case fields): 2 to 10 cards of text and buttons.
    static func sendCarousel(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host, recipient: "phone", idField: "id") { body in
            try InteractiveMessage.carousel(
                body: try body.requiredString("message"), footer: try body.string("footer"),
                cards: try await carouselCards(body) { _ in nil })
        }
    }

    /// `/send/carouselmedia`: `/send/carousel` whose cards each carry `media_type`
    /// (image|video), `media_url` (http(s) URL or data URL) and `caption?`.
    static func sendCarouselMedia(_ request: Request, _ host: Host) async throws -> Response {
        try await send(request, host, recipient: "phone", idField: "id") { body in
            try InteractiveMessage.carousel(
                body: try body.requiredString("message"), footer: try body.string("footer"),
                cards: try await carouselCards(body) { card in
                    let kind = try MediaKind(card, "media_type", allowed: [.image, .video])
                    var media = try await uploadedMedia(
                        try await mediaSource(card, "media_url", kind: kind, request, host), kind: kind, request, host)
                    if let caption = try card.string("caption"), !caption.isEmpty { media["caption"] = caption }
                    return (kind.messageField, media)
                })
        }
    }

    /// The cards of a carousel request, each with the header media `media` makes for it.
    private static func carouselCards(
        _ body: RequestBody, media: (RequestBody) async throws -> (field: String, value: [String: Any])?
    ) async throws -> [InteractiveMessage] {
        let cards = try body.requiredObjects("carousel")
        guard cards.count <= 10 else { throw body.invalid("carousel", "must have at most 10 cards") }
        var built: [InteractiveMessage] = []
        for card in cards {
            built.append(
                InteractiveMessage(
                    title: try card.string("title"), headerMedia: try await media(card), body: try card.requiredString("text"),
                    footer: try card.string("footer"), buttons: try NativeFlowButton.list(card, "buttons", keys: .carousel)))
        }
        return built
    }
}
