import Foundation

/// The class prompts of `retort zeroshot`: CLIP's evaluation embeds every class name through an
/// ensemble of templates, averages the normalised embeddings per class and classifies an image by
/// cosine to these class embeddings (openai/CLIP `notebooks/Prompt_Engineering_for_ImageNet.ipynb`,
/// `zeroshot_classifier`). These templates use the captions' own words.
public enum ZeroShotPrompts {
    /// The templates; `{}` is replaced by the class name.
    public static let templates: [String] = [
        "a photo of a {}.",
        "a picture of a {}.",
        "an image of a {}.",
        "this {} is plain.",
        "a {} with a textured look.",
        "a dark {}.",
        "a bright {}.",
        "a photo of the {}.",
    ]

    /// The class names the prompts use for Fashion-MNIST's labels: the caption generator's canonical words.
    public static func fashionMNISTClassNames() -> [String] {
        ["t-shirt", "trousers", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "boot"]
    }

    /// The prompts of class `name` for `templates` (with the article `an` before a vowel for `a {}`).
    public static func prompts(for name: String, templates: [String] = templates) -> [String] {
        templates.map { t in
            var text = t.replacingOccurrences(of: "{}", with: name)
            if "aeiou".contains(name.first ?? "x") { text = text.replacingOccurrences(of: "a \(name)", with: "an \(name)") }
            return text
        }
    }
}
