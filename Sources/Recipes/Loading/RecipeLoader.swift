import Foundation

/// Reads recipes: YAML with file/line-precise errors, `base:` inheritance (absolute paths, or paths relative to the recipe's
/// folder, recursive, cycles rejected, mappings deep-merged with the child winning) and `--set a.b=c` overrides.
/// Every method throws `RecipeError`.
public struct RecipeLoader: Sendable {
    /// Backbone names the zoo knows; when set, an unknown `model.backbone` is an error with a suggestion.
    public var backboneNames: [String]?

    /// Creates a loader.
    public init(backboneNames: [String]? = nil) {
        self.backboneNames = backboneNames
    }

    /// Loads the recipe at `url`, applying `overrides` (`key.path=value`, value parsed as YAML) in order.
    public func load(contentsOf url: URL, overrides: [String] = []) throws -> Recipe {
        let display = url.isFileURL ? url.relativePath : url.absoluteString
        let tree = try resolvedTree(url: url.standardizedFileURL, display: display, chain: [])
        return try decode(tree, overrides: overrides)
    }

    /// Loads a recipe from text; `base:` paths resolve against `baseDirectory` (default: the current directory).
    public func load(yaml: String, file: String = "<recipe>", baseDirectory: URL? = nil, overrides: [String] = []) throws -> Recipe {
        let directory = baseDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let tree = try resolvedTree(text: yaml, display: file, directory: directory, displayDirectory: "", chain: [])
        return try decode(tree, overrides: overrides)
    }

    /// Every `.yaml`/`.yml` file under `directory`, sorted by path (for `retort recipes list` and tests).
    public static func recipeFiles(in directory: URL) throws -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else {
            throw RecipeError(.unreadableFile, "cannot list recipes", location: SourceLocation(file: directory.path))
        }
        var files: [URL] = []
        for case let url as URL in enumerator where ["yaml", "yml"].contains(url.pathExtension) { files.append(url) }
        return files.sorted { $0.path < $1.path }
    }

    // MARK: - Resolution

    private func resolvedTree(url: URL, display: String, chain: [String]) throws -> RecipeNode {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw RecipeError(.unreadableFile, "cannot read recipe: \(error.localizedDescription)", location: SourceLocation(file: display))
        }
        let displayDirectory = (display as NSString).deletingLastPathComponent
        return try resolvedTree(
            text: text, display: display, directory: url.deletingLastPathComponent(),
            displayDirectory: displayDirectory, chain: chain + [url.path])
    }

    private func resolvedTree(text: String, display: String, directory: URL, displayDirectory: String, chain: [String]) throws -> RecipeNode {
        let tree = try RecipeNode.parse(yaml: text, file: display)
        guard case .mapping = tree else {
            throw RecipeError(.wrongType, "a recipe must be a mapping of sections, found \(tree.typeName)", location: tree.location)
        }
        let (child, baseNode) = tree.removing(key: "base")
        guard let baseNode else { return child }
        guard case .scalar(let basePath, _, let baseLocation) = baseNode, !baseNode.isNull else {
            throw RecipeError(.wrongType, "expected a recipe path, found \(baseNode.typeName)", location: baseNode.location, keyPath: "base")
        }
        // An absolute base is used as is; a relative one resolves against the including recipe's folder.
        let isAbsolute = basePath.hasPrefix("/")
        let baseURL = (isAbsolute ? URL(fileURLWithPath: basePath) : directory.appendingPathComponent(basePath)).standardizedFileURL
        let baseDisplay = RecipeLoader.lexicallyNormalized(
            displayDirectory.isEmpty || isAbsolute ? basePath : displayDirectory + "/" + basePath)
        if chain.contains(baseURL.path) {
            let cycle = (chain + [baseURL.path]).map { ($0 as NSString).lastPathComponent }.joined(separator: " -> ")
            throw RecipeError(.baseCycle, "base recipes form a cycle: \(cycle)", location: baseLocation, keyPath: "base")
        }
        guard FileManager.default.fileExists(atPath: baseURL.path) else {
            let tried = baseURL.path == baseDisplay ? "" : " (looked for \(baseURL.path))"
            throw RecipeError(.unreadableFile, "base recipe '\(baseDisplay)' does not exist\(tried)", location: baseLocation, keyPath: "base")
        }
        let base = try resolvedTree(url: baseURL, display: baseDisplay, chain: chain)
        return base.merged(with: child)
    }

    private func decode(_ resolved: RecipeNode, overrides: [String]) throws -> Recipe {
        var tree = resolved
        for override in overrides { tree = try tree.applyingOverride(override) }
        let recipe: Recipe
        do {
            recipe = try Recipe(from: RecipeNodeDecoder(node: tree, codingPath: []))
        } catch let error as RecipeValueError {
            throw RecipeError(
                error.kind, error.message, location: error.location ?? tree.nearestLocation(of: error.path),
                keyPath: error.path.joined(separator: "."), suggestion: error.suggestion)
        } catch let error as RecipeError {
            throw error
        } catch {
            throw RecipeError(.invalidValue, "\(error)", location: tree.location)
        }
        try checkBackbones(recipe, tree: tree)
        return recipe
    }

    private func checkBackbones(_ recipe: Recipe, tree: RecipeNode) throws {
        guard let names = backboneNames else { return }
        var uses: [([String], String)] = [(["model", "backbone"], recipe.model.backbone)]
        for (path, model) in recipe.objective.options.models { uses.append((path + ["backbone"], model.backbone)) }
        for (path, name) in uses where !names.contains(name) {
            throw RecipeError(
                .invalidValue, "unknown backbone '\(name)'", location: tree.nearestLocation(of: path),
                keyPath: path.joined(separator: "."), suggestion: EditDistance.suggestion(for: name, among: names))
        }
    }

    /// Removes `.` and resolves `..` components in a relative display path.
    static func lexicallyNormalized(_ path: String) -> String {
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast() } else { parts.append(part) }
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }
}
