/// Named view pipelines for loader measurements (`retort store bench --pipeline`) and quick scripts.
extension ViewSpec {
    /// A named pipeline; its views are `ViewSpec.views(preset:size:)`.
    public enum Preset: String, CaseIterable, Sendable {
        /// Two SimCLR/BYOL views: random resized crop, flip, colour jitter, grayscale.
        case ssl
        /// SwAV's multi-crop: 2 large views at `size` and 6 small ones at 96/224 of it (at least 8 px).
        case multicrop
        /// One random resized crop (scale 0.08–1, ratio 3/4–4/3) with a horizontal flip.
        case rrc
        /// One CIFAR-style view: pad 4, random crop back to `size`, horizontal flip.
        case padcrop
    }

    /// The views of `preset` at output size `size` (the large views' size for `multicrop`).
    public static func views(preset: Preset, size: Int) -> [ViewSpec] {
        switch preset {
        case .ssl: return [ViewSpec.ssl(size: size), ViewSpec.ssl(size: size)]
        case .multicrop: return ViewSpec.multiCrop(global: 2, globalSize: size, local: 6, localSize: max(8, size * 96 / 224))
        case .rrc:
            var v = ViewSpec(crop: .randomResized(scale: 0.08...1, ratio: 0.75...(4.0 / 3.0)), outHeight: size, outWidth: size)
            v.flipProbability = 0.5
            return [v]
        case .padcrop:
            var v = ViewSpec(crop: .padRandom(padding: 4), outHeight: size, outWidth: size)
            v.flipProbability = 0.5
            return [v]
        }
    }
}
