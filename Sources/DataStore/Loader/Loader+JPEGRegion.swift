extension Loader {
    /// The part of a JPEG that views `params[0 ..< views]` read, in pixels of the image decoded
    /// with DCT scaling by 1/`denominator`: the union of the boxes' filter footprints (a box maps to
    /// [floor(top * s), ceil((top + height) * s)) in the scaled image; the taps never leave it) plus
    /// `regionMargin` columns on each side, since chroma upsampling at a crop's first and last
    /// columns differs from the full decode. Nil when a view is not resampled (pad and center crops
    /// need the whole image).
    func jpegRegion(
        _ params: [ViewParams], views: Int, info: (height: Int, width: Int, channels: Int, codec: ImageCodec),
        denominator: Int
    ) -> (top: Int, left: Int, rows: Int, cols: Int)? {
        let fh = JPEGCodec.scaled(info.height, num: 1, denom: denominator)
        let fw = JPEGCodec.scaled(info.width, num: 1, denom: denominator)
        var y0 = Int.max
        var y1 = Int.min
        var x0 = Int.max
        var x1 = Int.min
        for v in 0..<views {
            let p = params[v]
            guard p.resampled else { return nil }
            let sy = Double(fh) / Double(p.srcHeight)
            let sx = Double(fw) / Double(p.srcWidth)
            y0 = min(y0, Int((Double(p.top) * sy).rounded(.down)))
            y1 = max(y1, min(Int((Double(p.top + p.height) * sy).rounded(.up)), fh))
            x0 = min(x0, Int((Double(p.left) * sx).rounded(.down)))
            x1 = max(x1, min(Int((Double(p.left + p.width) * sx).rounded(.up)), fw))
        }
        guard views > 0 else { return nil }
        let m = Loader.regionMargin
        let left = max(0, x0 - m)
        let right = min(fw, x1 + m)
        return (y0, left, y1 - y0, right - left)
    }

    /// Columns decoded beyond each side of the views' footprint.
    static let regionMargin = 2
}
