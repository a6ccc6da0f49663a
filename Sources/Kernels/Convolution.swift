import Support

/// 2-D convolution in NCHW on raw buffers: im2col + one large SGEMM per block of images and group
/// (several images side by side in the GEMM's N dimension, so small feature maps still give large
/// GEMMs), col2im for the input gradient, weight gradient accumulated by GEMM with beta = 1.
/// The passes are in `Convolution+Passes.swift`; the helpers here run under `parallelFor` unless
/// `parallel` is false (a pass that already runs one block per thread).
public enum Convolution {
    /// Target GEMM width (columns = images per block x OH x OW).
    public static let targetColumns = 1024
    /// Upper bound for the im2col scratch, in floats.
    public static let maxColumnFloats = 1 << 23

    /// Images per GEMM block for this geometry: enough for about `columns` GEMM columns, within
    /// the scratch bound, balanced so the blocks of the batch have nearly equal sizes.
    public static func imagesPerBlock(_ g: ConvolutionGeometry, columns: Int = targetColumns) -> Int {
        let ohw = max(1, g.outputHeight * g.outputWidth)
        var b = max(1, (columns + ohw - 1) / ohw)
        b = min(b, max(1, maxColumnFloats / max(1, g.columnRows * ohw)))
        b = max(1, min(b, g.batch))
        let blocks = (g.batch + b - 1) / b
        return (g.batch + blocks - 1) / blocks
    }

    /// Writes group `group`'s im2col matrix for images `n0..<n0+count` into `col`
    /// (`[(C/groups)·KH·KW, count·OH·OW]`, row stride `count·OH·OW`, image b at column b·OH·OW).
    public static func im2col(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, firstImage n0: Int,
        imageCount count: Int, group: Int, col: UnsafeMutablePointer<Float>, parallel: Bool = true
    ) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let ohw = oh * ow
        let hw = g.height * g.width
        let kk = g.kernelHeight * g.kernelWidth
        let rows = g.columnRows
        let ld = count * ohw
        let src = SendablePointer(input)
        let dst = SendablePointer(col)
        let cBase = group * g.groupInputChannels
        parallelFor(rows * count, grain: parallel ? max(1, 4096 / max(ohw, 1)) : rows * count) { range in
            for task in range {
                let r = task / count
                let b = task % count
                let c = cBase + r / kk
                let kh = (r % kk) / g.kernelWidth
                let kw = r % g.kernelWidth
                let plane = src.base + ((n0 + b) * g.inputChannels + c) * hw
                let out = dst.base + r * ld + b * ohw
                let offW = kw * g.dilationW - g.padW
                let (lo, hi) = ConvolutionGeometry.validRange(offset: offW, stride: g.strideW, size: g.width, outputs: ow)
                for y in 0..<oh {
                    let ih = y * g.strideH - g.padH + kh * g.dilationH
                    let row = out + y * ow
                    if ih < 0 || ih >= g.height {
                        row.update(repeating: 0, count: ow)
                        continue
                    }
                    let line = plane + ih * g.width + offW
                    for x in 0..<lo { row[x] = 0 }
                    if g.strideW == 1 {
                        if hi > lo { (row + lo).update(from: line + lo, count: hi - lo) }
                    } else {
                        for x in lo..<hi { row[x] = line[x * g.strideW] }
                    }
                    for x in hi..<ow { row[x] = 0 }
                }
            }
        }
    }

    /// Adds group `group`'s column gradient `col` (layout as in `im2col`) into `gradInput`
    /// for images `n0..<n0+count`. Each (image, channel) plane is written by one task only.
    public static func col2im(
        _ g: ConvolutionGeometry, col: UnsafePointer<Float>, firstImage n0: Int,
        imageCount count: Int, group: Int, gradInput: UnsafeMutablePointer<Float>, parallel: Bool = true
    ) {
        let oh = g.outputHeight
        let ow = g.outputWidth
        let ohw = oh * ow
        let hw = g.height * g.width
        let cg = g.groupInputChannels
        let ld = count * ohw
        let src = SendablePointer(col)
        let dst = SendablePointer(gradInput)
        parallelFor(cg * count, grain: parallel ? max(1, 2048 / max(hw, 1)) : cg * count) { range in
            for task in range {
                let cl = task / count
                let b = task % count
                let plane = dst.base + ((n0 + b) * g.inputChannels + group * cg + cl) * hw
                for kh in 0..<g.kernelHeight {
                    for kw in 0..<g.kernelWidth {
                        let r = (cl * g.kernelHeight + kh) * g.kernelWidth + kw
                        let rowBase = src.base + r * ld + b * ohw
                        let offW = kw * g.dilationW - g.padW
                        let (lo, hi) = ConvolutionGeometry.validRange(offset: offW, stride: g.strideW, size: g.width, outputs: ow)
                        if hi <= lo { continue }
                        for y in 0..<oh {
                            let ih = y * g.strideH - g.padH + kh * g.dilationH
                            if ih < 0 || ih >= g.height { continue }
                            let line = plane + ih * g.width + offW
                            let from = rowBase + y * ow
                            if g.strideW == 1 {
                                for x in lo..<hi { line[x] += from[x] }
                            } else {
                                for x in lo..<hi { line[x * g.strideW] += from[x] }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Copies `[count, O, OH·OW]`-strided rows of group `group` between NCHW (`planes`) and a
    /// `[O/groups, count·OH·OW]` matrix (`matrix`); `toMatrix` picks the direction.
    static func shuffle(
        _ g: ConvolutionGeometry, planes: UnsafeMutablePointer<Float>, matrix: UnsafeMutablePointer<Float>,
        firstImage n0: Int, imageCount count: Int, group: Int, toMatrix: Bool, bias: UnsafePointer<Float>? = nil,
        parallel: Bool = true
    ) {
        let ohw = g.outputHeight * g.outputWidth
        let og = g.groupOutputChannels
        let ld = count * ohw
        let p = SendablePointer(planes)
        let m = SendablePointer(matrix)
        let bs = bias.map { SendablePointer($0) }
        parallelFor(og * count, grain: parallel ? max(1, 8192 / max(ohw, 1)) : og * count) { range in
            for task in range {
                let o = task / count
                let b = task % count
                let plane = p.base + ((n0 + b) * g.outputChannels + group * og + o) * ohw
                let row = m.base + o * ld + b * ohw
                if toMatrix {
                    row.update(from: plane, count: ohw)
                } else if let bs {
                    let v = bs[group * og + o]
                    for i in 0..<ohw { plane[i] = row[i] + v }
                } else {
                    plane.update(from: row, count: ohw)
                }
            }
        }
    }
}
