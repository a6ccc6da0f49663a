import Foundation

extension String {
    /// The string as a double-quoted literal that JSON and YAML both read back unchanged: `"`, `\`, newline,
    /// return and tab as `\"`, `\\`, `\n`, `\r`, `\t`, every other control character below U+0020 as `\u00XX`.
    /// (The safetensors header's keys and metadata; the resolved recipes' quoted scalars.)
    public var doubleQuotedLiteral: String {
        var out = "\""
        for u in unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
