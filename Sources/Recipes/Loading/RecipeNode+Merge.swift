/// Deep merge (for `base:`) and `--set` overrides.
extension RecipeNode {
    /// Merges `child` over `self`: mappings merge key by key (recursively), anything else is replaced by the child.
    /// A child mapping that changes `name:` (a different objective, optimizer or schedule) replaces the base mapping,
    /// so the base's options for the old name do not leak into the new one.
    func merged(with child: RecipeNode) -> RecipeNode {
        guard case .mapping(var entries, _) = self, case .mapping(let childEntries, let childLocation) = child else {
            return child
        }
        if case .scalar(let newName, _, _)? = child["name"], case .scalar(let oldName, _, _)? = self["name"], newName != oldName {
            return child
        }
        for entry in childEntries {
            if let i = entries.firstIndex(where: { $0.key == entry.key }) {
                entries[i] = Entry(key: entry.key, keyLocation: entry.keyLocation, value: entries[i].value.merged(with: entry.value))
            } else {
                entries.append(entry)
            }
        }
        return .mapping(entries, childLocation)
    }

    /// The mapping without `key` (and that key's value, if present).
    func removing(key: String) -> (RecipeNode, RecipeNode?) {
        guard case .mapping(var entries, let location) = self,
            let i = entries.firstIndex(where: { $0.key == key })
        else { return (self, nil) }
        let removed = entries.remove(at: i)
        return (.mapping(entries, location), removed.value)
    }

    /// Sets `value` at `path`, creating mappings along the way; sequences are indexed by decimal components.
    func setting(_ value: RecipeNode, at path: ArraySlice<String>, override: String) throws -> RecipeNode {
        guard let head = path.first else { return value }
        let rest = path.dropFirst()
        switch self {
        case .mapping(var entries, let location):
            if let i = entries.firstIndex(where: { $0.key == head }) {
                entries[i].value = try entries[i].value.setting(value, at: rest, override: override)
            } else {
                let empty = RecipeNode.mapping([], value.location)
                let newValue = rest.isEmpty ? value : try empty.setting(value, at: rest, override: override)
                entries.append(Entry(key: head, keyLocation: value.location, value: newValue))
            }
            return .mapping(entries, location)
        case .sequence(var items, let location):
            guard let i = Int(head), items.indices.contains(i) else {
                throw RecipeError(
                    .invalidOverride, "index '\(head)' is not in a list of \(items.count)",
                    location: value.location)
            }
            items[i] = try items[i].setting(value, at: rest, override: override)
            return .sequence(items, location)
        case .scalar:
            if isNull { return try RecipeNode.mapping([], location).setting(value, at: path, override: override) }
            throw RecipeError(.invalidOverride, "cannot set '\(head)' inside \(typeName)", location: value.location)
        }
    }

    /// Applies one `a.b.c=value` override; the value is parsed as YAML (a scalar, `[1, 2]` or `{a: 1}`).
    func applyingOverride(_ text: String) throws -> RecipeNode {
        let label = "--set '\(text)'"
        guard let eq = text.firstIndex(of: "=") else {
            throw RecipeError(.invalidOverride, "override must look like key.path=value", location: SourceLocation(file: label))
        }
        let pathText = String(text[..<eq]).trimmingCharacters(in: .whitespaces)
        let valueText = String(text[text.index(after: eq)...])
        let path = pathText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !pathText.isEmpty, !path.contains(where: { $0.isEmpty }) else {
            throw RecipeError(
                .invalidOverride, "override key path '\(pathText)' is empty or has an empty component",
                location: SourceLocation(file: label))
        }
        var value = try RecipeNode.parse(yaml: valueText, file: label).relocated(to: SourceLocation(file: label))
        if valueText.trimmingCharacters(in: .whitespaces).isEmpty { value = .scalar("", quoted: false, SourceLocation(file: label)) }
        return try setting(value, at: path[...], override: label)
    }

    /// The same tree with every location replaced (overrides have no lines of their own).
    func relocated(to location: SourceLocation) -> RecipeNode {
        switch self {
        case .scalar(let s, let q, _): return .scalar(s, quoted: q, location)
        case .sequence(let items, _): return .sequence(items.map { $0.relocated(to: location) }, location)
        case .mapping(let entries, _):
            return .mapping(entries.map { Entry(key: $0.key, keyLocation: location, value: $0.value.relocated(to: location)) }, location)
        }
    }
}
