import Foundation
import Support

/// Writes a tree back to block-style YAML that `RecipeNode.parse` reads back to the same values.
extension RecipeNode {
    /// YAML text for a mapping root (block style, two-space indent, flow lists for lists of scalars).
    func yamlText() -> String {
        var lines: [String] = []
        emit(into: &lines, indent: 0)
        return lines.joined(separator: "\n") + "\n"
    }

    private func emit(into lines: inout [String], indent: Int) {
        let pad = String(repeating: " ", count: indent)
        switch self {
        case .mapping(let entries, _):
            for entry in entries {
                let key = RecipeNode.quotedIfNeeded(entry.key)
                switch entry.value {
                case .mapping(let inner, _) where !inner.isEmpty:
                    lines.append("\(pad)\(key):")
                    entry.value.emit(into: &lines, indent: indent + 2)
                case .sequence(let items, _) where !items.isEmpty && !entry.value.isFlowable:
                    lines.append("\(pad)\(key):")
                    entry.value.emit(into: &lines, indent: indent + 2)
                default:
                    lines.append("\(pad)\(key): \(entry.value.inlineText)")
                }
            }
        case .sequence(let items, _):
            for item in items {
                var sub: [String] = []
                switch item {
                case .mapping(let inner, _) where !inner.isEmpty:
                    item.emit(into: &sub, indent: indent + 2)
                    let first = sub[0].dropFirst(indent + 2)
                    lines.append("\(pad)- \(first)")
                    lines.append(contentsOf: sub.dropFirst())
                case .sequence(let inner, _) where !inner.isEmpty && !item.isFlowable:
                    item.emit(into: &sub, indent: indent + 2)
                    lines.append("\(pad)-")
                    lines.append(contentsOf: sub)
                default:
                    lines.append("\(pad)- \(item.inlineText)")
                }
            }
        case .scalar:
            lines.append(pad + inlineText)
        }
    }

    /// True for scalars and lists of scalars, which are written inline.
    private var isFlowable: Bool {
        switch self {
        case .scalar: return true
        case .mapping(let entries, _): return entries.isEmpty
        case .sequence(let items, _): return items.allSatisfy { if case .scalar = $0 { return true } else { return false } }
        }
    }

    /// The node as one line (scalars, flow lists, empty collections).
    private var inlineText: String {
        switch self {
        case .scalar(let s, let quoted, _): return quoted ? s.doubleQuotedLiteral : RecipeNode.quotedIfNeeded(s)
        case .mapping(let entries, _):
            return "{" + entries.map { "\(RecipeNode.quotedIfNeeded($0.key)): \($0.value.inlineText)" }.joined(separator: ", ") + "}"
        case .sequence(let items, _): return "[" + items.map(\.inlineText).joined(separator: ", ") + "]"
        }
    }

    /// A plain scalar when YAML reads it back unchanged as the same text, else double-quoted.
    static func quotedIfNeeded(_ s: String) -> String {
        if s.isEmpty { return "\"\"" }
        let special: Set<Character> = [":", "#", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "'", "\"", "%", "@", "`", "\\", "\n", "\t"]
        if s.contains(where: { special.contains($0) }) || s.first == " " || s.last == " "
            || s.first == "-" && s.count > 1 && s.dropFirst().first == " "
            || s.first == "?" || s.first == "-" && s.count == 1
        {
            return s.doubleQuotedLiteral
        }
        return s
    }
}
