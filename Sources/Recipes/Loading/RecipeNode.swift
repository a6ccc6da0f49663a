import Foundation
import Yams

/// A YAML tree whose every node remembers the file and line it came from (across `base:` files and `--set`).
indirect enum RecipeNode: Equatable {
    /// One mapping entry, keeping the key's own location.
    struct Entry: Equatable {
        var key: String
        var keyLocation: SourceLocation
        var value: RecipeNode
    }

    /// A scalar; `quoted` scalars are always strings.
    case scalar(String, quoted: Bool, SourceLocation)
    /// An ordered mapping with string keys.
    case mapping([Entry], SourceLocation)
    /// A sequence.
    case sequence([RecipeNode], SourceLocation)

    /// Where the node starts.
    var location: SourceLocation {
        switch self {
        case .scalar(_, _, let l), .mapping(_, let l), .sequence(_, let l): return l
        }
    }

    /// A short name of the node's YAML type for error messages.
    var typeName: String {
        switch self {
        case .scalar(let s, let quoted, _): return isNullScalar(s, quoted: quoted) ? "null" : "a scalar '\(s)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }

    /// True for `~`, `null` and empty plain scalars.
    var isNull: Bool {
        if case .scalar(let s, let quoted, _) = self { return isNullScalar(s, quoted: quoted) }
        return false
    }

    /// The value of `key` in a mapping.
    subscript(key: String) -> RecipeNode? {
        guard case .mapping(let entries, _) = self else { return nil }
        return entries.last(where: { $0.key == key })?.value
    }

    /// The node at a key path (mapping keys, or decimal indices into sequences), or nil.
    func node(at path: [String]) -> RecipeNode? {
        var current = self
        for component in path {
            switch current {
            case .mapping:
                guard let next = current[component] else { return nil }
                current = next
            case .sequence(let items, _):
                guard let i = Int(component), items.indices.contains(i) else { return nil }
                current = items[i]
            case .scalar:
                return nil
            }
        }
        return current
    }

    /// The location of the deepest existing node along `path`.
    func nearestLocation(of path: [String]) -> SourceLocation {
        var current = self
        for component in path {
            switch current {
            case .mapping(let entries, _):
                guard let entry = entries.last(where: { $0.key == component }) else { return current.location }
                current = entry.value
            case .sequence(let items, _):
                guard let i = Int(component), items.indices.contains(i) else { return current.location }
                current = items[i]
            case .scalar:
                return current.location
            }
        }
        return current.location
    }
}

/// YAML's null spellings for plain scalars.
func isNullScalar(_ s: String, quoted: Bool) -> Bool {
    !quoted && (s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL")
}

extension RecipeNode {
    /// Parses YAML text into a located tree; an empty document is an empty mapping.
    static func parse(yaml: String, file: String) throws -> RecipeNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw RecipeNode.recipeError(from: error, file: file)
        } catch {
            throw RecipeError(.malformedYAML, "malformed YAML: \(error)", location: SourceLocation(file: file))
        }
        guard let node else { return .mapping([], SourceLocation(file: file, line: 1, column: 1)) }
        return try RecipeNode(node, file: file)
    }

    /// Converts a Yams node, rejecting non-string keys and duplicate keys.
    init(_ node: Node, file: String) throws {
        let location = SourceLocation(file: file, line: node.mark?.line, column: node.mark?.column)
        switch node {
        case .scalar(let scalar):
            self = .scalar(scalar.string, quoted: scalar.style != .plain && scalar.style != .any, location)
        case .sequence(let sequence):
            self = .sequence(try sequence.map { try RecipeNode($0, file: file) }, location)
        case .mapping(let mapping):
            var entries: [Entry] = []
            for (key, value) in mapping {
                let keyLocation = SourceLocation(file: file, line: key.mark?.line, column: key.mark?.column)
                guard case .scalar(let keyScalar) = key else {
                    throw RecipeError(.malformedYAML, "mapping keys must be plain strings", location: keyLocation)
                }
                if entries.contains(where: { $0.key == keyScalar.string }) {
                    throw RecipeError(
                        .duplicateKey, "duplicate key '\(keyScalar.string)'", location: keyLocation,
                        keyPath: keyScalar.string)
                }
                entries.append(Entry(key: keyScalar.string, keyLocation: keyLocation, value: try RecipeNode(value, file: file)))
            }
            self = .mapping(entries, location)
        }
    }

    /// Maps a Yams error to a malformed-YAML error naming the file and line.
    static func recipeError(from error: YamlError, file: String) -> RecipeError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { "\(problem) \($0.text) (which started at line \($0.mark.line))" } ?? problem
            return RecipeError(
                .malformedYAML, "malformed YAML: \(detail)",
                location: SourceLocation(file: file, line: mark.line, column: mark.column))
        case .reader(let problem, _, _, _):
            return RecipeError(.malformedYAML, "malformed YAML: \(problem)", location: SourceLocation(file: file))
        default:
            return RecipeError(.malformedYAML, "malformed YAML: \(error)", location: SourceLocation(file: file))
        }
    }
}
