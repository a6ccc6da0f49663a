import Foundation
import Support

/// The deterministic caption generator behind `retort store build fashion-mnist-captions`: each
/// Fashion-MNIST image gets one caption made from its class (a synonym drawn from `classWords`) and
/// from six attributes **measured on its pixels**, written through one of `templates`.
///
/// Measurements (on the `[28, 28]` gray image; the item is the pixels ≥ `foregroundThreshold`):
/// - brightness: mean intensity of the item's pixels (dark ≤ 140 < grey < 185 ≤ bright);
/// - width / height: its bounding box (narrow ≤ 19 < medium < 27 ≤ wide; short ≤ 22 < tall);
/// - fill: the share of its bounding box it covers (sparse ≤ 0.62 < moderate < 0.78 ≤ solid);
/// - balance: the share of its intensity in the top half of the box (bottom-heavy ≤ 0.40 <
///   balanced < 0.52 ≤ top-heavy);
/// - texture energy: the mean absolute difference of 4-neighbouring item pixels (plain ≤ 21 <
///   textured < 31 ≤ patterned).
/// The thresholds are roughly the terciles of the training split, so every word is common.
///
/// The template and each synonym are drawn by Philox keyed by the image's source index, so a caption
/// depends only on the image, its label and its index. `synonyms` (every word with its
/// alternatives) is the table DeCLIP's EDA synonym replacement draws from.
public struct FashionCaptioner: Sendable {
    /// Pixels at or above this intensity belong to the item.
    public static let foregroundThreshold: UInt8 = 32

    /// One word list per class, in label order; the first word is the canonical name.
    public static let classWords: [[String]] = [
        ["t-shirt", "tee", "top"], ["trousers", "pants", "slacks"], ["pullover", "sweater", "jumper"],
        ["dress", "frock", "gown"], ["coat", "jacket", "parka"], ["sandal", "slide", "flip-flop"],
        ["shirt", "blouse", "button-up"], ["sneaker", "trainer", "runner"], ["bag", "handbag", "purse"],
        ["boot", "bootie", "ankle-boot"],
    ]

    /// The measured attributes, each with its levels; a level is a word list (first word canonical).
    public enum Attribute: Int, CaseIterable, Sendable {
        case brightness, width, height, fill, balance, texture

        /// The words of each level, low to high.
        public var levels: [[String]] {
            switch self {
            case .brightness: [["dark", "dim", "shadowy"], ["grey", "gray", "muted"], ["bright", "light", "pale"]]
            case .width: [["narrow", "slim", "thin"], ["medium-width", "regular"], ["wide", "broad"]]
            case .height: [["short", "low", "small"], ["tall", "long", "full-length"]]
            case .fill: [["sparse", "open", "airy"], ["moderate", "half-filled"], ["solid", "dense", "filled"]]
            case .balance: [["bottom-heavy", "weighted-low"], ["balanced", "even"], ["top-heavy", "weighted-high"]]
            case .texture: [["plain", "smooth", "uniform"], ["textured", "grainy"], ["patterned", "busy", "detailed"]]
            }
        }
    }

    /// The templates; `{class}` and `{brightness}`, `{width}`, ... are replaced by a word each.
    public static let templates: [String] = [
        "a photo of {a} {brightness} {width} {class} with {a} {texture} look",
        "{a} {texture} {class}, {brightness} and {height}",
        "{a} {height} {brightness} {class} that looks {balance}",
        "this {class} is {width}, {fill} and {texture}",
        "{a} {balance} {class} in {brightness} tones, {width} and {height}",
        "a picture of {a} {fill} {texture} {class}",
        "{a} {width} {height} {class}, {fill} and {brightness}",
        "a {brightness} image of {a} {balance} {class} with {a} {fill} shape",
    ]

    /// Every word with its alternatives (class words and attribute words), for synonym replacement.
    public static let synonyms: [String: [String]] = {
        var table: [String: [String]] = [:]
        let groups = classWords + Attribute.allCases.flatMap(\.levels)
        for group in groups { for w in group { table[w] = group.filter { $0 != w } } }
        return table
    }()

    /// Every word a caption can contain, sorted (template words, class and attribute words, articles).
    public static let vocabulary: [String] = {
        var all = Set(synonyms.keys).union(["a", "an"])
        for t in templates {
            for w in words(of: t) where !w.hasPrefix("{") { all.insert(w) }
        }
        return all.sorted()
    }()

    /// The words of a text: lowercased, split at spaces, with `,` and `.` as their own words.
    public static func words(of text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text.lowercased() {
            if ch == " " || ch == "\t" || ch == "\n" {
                if !current.isEmpty {
                    out.append(current)
                    current = ""
                }
            } else if ch == "," || ch == "." {
                if !current.isEmpty {
                    out.append(current)
                    current = ""
                }
                out.append(String(ch))
            } else {
                current.append(ch)
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// The seed of the template and synonym draws.
    public var seed: UInt64

    /// A captioner drawing with `seed` (the store builder uses 0).
    public init(seed: UInt64 = 0) { self.seed = seed }

    /// The level of each attribute (indexed by `Attribute.rawValue`) measured on `pixels`, a gray
    /// image `[height, width]` (row-major). An image with no item pixels is dark, narrow, short,
    /// sparse, balanced and plain.
    public static func measure(_ pixels: [UInt8], height: Int, width: Int) -> [Int] {
        precondition(pixels.count == height * width, "FashionCaptioner.measure: \(pixels.count) pixels for \(height)x\(width)")
        var r0 = height
        var r1 = -1
        var c0 = width
        var c1 = -1
        var count = 0
        var sum = 0.0
        for r in 0..<height {
            for c in 0..<width where pixels[r * width + c] >= foregroundThreshold {
                r0 = min(r0, r)
                r1 = max(r1, r)
                c0 = min(c0, c)
                c1 = max(c1, c)
                count += 1
                sum += Double(pixels[r * width + c])
            }
        }
        guard count > 0 else { return [0, 0, 0, 0, 1, 0] }
        let boxHeight = r1 - r0 + 1
        let boxWidth = c1 - c0 + 1
        let brightness = sum / Double(count)
        let fill = Double(count) / Double(boxHeight * boxWidth)
        let middle = Double(r0 + r1 + 1) / 2
        var top = 0.0
        var edges = 0.0
        var pairs = 0
        for r in 0..<height {
            for c in 0..<width {
                let v = pixels[r * width + c]
                guard v >= foregroundThreshold else { continue }
                if Double(r) + 0.5 < middle { top += Double(v) }
                if c + 1 < width, pixels[r * width + c + 1] >= foregroundThreshold {
                    edges += abs(Double(v) - Double(pixels[r * width + c + 1]))
                    pairs += 1
                }
                if r + 1 < height, pixels[(r + 1) * width + c] >= foregroundThreshold {
                    edges += abs(Double(v) - Double(pixels[(r + 1) * width + c]))
                    pairs += 1
                }
            }
        }
        let texture = edges / Double(max(pairs, 1))
        func level(_ x: Double, _ low: Double, _ high: Double) -> Int { x <= low ? 0 : (x < high ? 1 : 2) }
        return [
            level(brightness, 140, 185),
            level(Double(boxWidth), 19, 27),
            boxHeight <= 22 ? 0 : 1,
            level(fill, 0.62, 0.78),
            level(top / sum, 0.40, 0.52),
            level(texture, 21, 31),
        ]
    }

    /// The caption of the image with source index `index`, class `label` (0..<10) and measured
    /// attribute `levels` (from `measure`).
    public func caption(index: UInt64, label: Int, levels: [Int]) -> String {
        precondition((0..<Self.classWords.count).contains(label), "FashionCaptioner: label \(label) out of range")
        var rng = Philox(seed: seed, keys: [0x4341_5054, index])
        let template = Self.templates[rng.nextInt(below: Self.templates.count)]
        func pick(_ words: [String]) -> String { words[rng.nextInt(below: words.count)] }
        var slots: [String: String] = ["class": pick(Self.classWords[label])]
        for a in Attribute.allCases { slots[String(describing: a)] = pick(a.levels[levels[a.rawValue]]) }
        var out: [String] = []
        let parts = template.split(separator: " ").map(String.init)
        for (i, part) in parts.enumerated() {
            var word = part
            for (k, v) in slots { word = word.replacingOccurrences(of: "{\(k)}", with: v) }
            if word == "{a}" {
                // The article agrees with the word after it (once that is filled in).
                var next = i + 1 < parts.count ? parts[i + 1] : ""
                for (k, v) in slots { next = next.replacingOccurrences(of: "{\(k)}", with: v) }
                word = Self.article(before: next)
            }
            out.append(word)
        }
        return out.joined(separator: " ")
    }

    /// `an` before a vowel sound, else `a` (`a uniform`, `an airy`).
    static func article(before word: String) -> String {
        "aeiou".contains(word.first ?? "x") && !word.hasPrefix("uni") ? "an" : "a"
    }

    /// The caption of a gray image `[height, width]` with source index `index` and class `label`.
    public func caption(pixels: [UInt8], height: Int, width: Int, index: UInt64, label: Int) -> String {
        caption(index: index, label: label, levels: Self.measure(pixels, height: height, width: width))
    }
}
