extension GoJSONWriter {
    /// A Go `float64`: shortest round-trip digits, plain notation for 1e-6 ≤ |x| < 1e21 and
    /// exponent notation (`1e-7`, `1e+21`) outside, as `encoding/json` writes it.
    public mutating func float64(_ value: Double, field: String) throws(GoJSONError) {
        guard value.isFinite else { throw .unsupportedFloat(field: field) }
        let magnitude = value.magnitude
        let exponential = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)
        appendFloat(shortestDescription: value.description, exponential: exponential)
    }

    /// A Go `float32`: like `float64` with the shortest digits of the 32-bit value.
    public mutating func float32(_ value: Float, field: String) throws(GoJSONError) {
        guard value.isFinite else { throw .unsupportedFloat(field: field) }
        let magnitude = value.magnitude
        let exponential = magnitude != 0 && (magnitude < 1e-6 || magnitude >= 1e21)
        appendFloat(shortestDescription: value.description, exponential: exponential)
    }

    /// Rewrites Swift's shortest round-trip `description` (`-1.5`, `1e-07`, `1.2e+20`) in Go's
    /// notation; both pick the same shortest digits.
    private mutating func appendFloat(shortestDescription: String, exponential: Bool) {
        var text = Substring(shortestDescription)
        var output = ""
        if text.hasPrefix("-") {
            output = "-"
            text = text.dropFirst()
        }
        let parts = text.split(separator: "e", maxSplits: 1)
        let mantissa = parts[0]
        let exponent = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
        let pointIndex = mantissa.firstIndex(of: ".") ?? mantissa.endIndex
        var digits = Array(mantissa.filter { $0 != "." })
        // The value is 0.<digits> × 10^pointPosition.
        var pointPosition = mantissa.distance(from: mantissa.startIndex, to: pointIndex) + exponent
        while digits.first == "0" {
            digits.removeFirst()
            pointPosition -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        if digits.isEmpty {
            output += "0"
        } else if exponential {
            output.append(digits[0])
            if digits.count > 1 { output += "." + String(digits[1...]) }
            let power = pointPosition - 1
            // Only |x| ≥ 1e21 or < 1e-6 get here, so the exponent has two digits or more once
            // encoding/json has dropped the pad of Go's `e-07`.
            output += power < 0 ? "e-\(-power)" : "e+\(power)"
        } else if pointPosition <= 0 {
            output += "0." + String(repeating: "0", count: -pointPosition) + String(digits)
        } else if pointPosition >= digits.count {
            output += String(digits) + String(repeating: "0", count: pointPosition - digits.count)
        } else {
            output += String(digits[..<pointPosition]) + "." + String(digits[pointPosition...])
        }
        raw(Array(output.utf8))
    }
}
