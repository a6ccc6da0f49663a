import CKernels
import Support

/// Winograd F(4×4, 3×3) convolution (Lavin & Gray 2016) for 3×3, stride-1, undilated, ungrouped layers:
/// per block of images, each input plane's 6×6 tiles (stride 4) are transformed (`V = Bᵀ d B`), the
/// filters once per call (`U = G g Gᵀ`), the channel sums become 36 GEMMs `M_e[O, T] = U_e[O, C]·V_e[C, T]`
/// (T = the block's tiles), and each output tile is `Aᵀ M A`: 36 multiplications per 16 outputs instead of
/// 144. The backward passes are the exact adjoints of those steps: `dM = A dY Aᵀ`, `dV_e = U_eᵀ·dM_e`
/// scattered back through `B dV Bᵀ` for the input gradient, `dU_e = dM_e·V_eᵀ` and `dW = Gᵀ dU G` for the
/// weight gradient. Transforms: `Sources/CKernels` (AVX-512/AVX2 builds chosen at run time).
///
/// Error: the transforms scale values by up to ~10² and back, so results differ from the direct
/// convolution by more than im2col's rounding does: at most about 1e-5 of the largest magnitude on every
/// ResNet-18 and ResNet-50 3×3 shape (ConvolutionWinogradTests, bar 1e-4; docs/performance.md has the
/// figures). Blocks and weight-gradient groups follow `Convolution+Passes.swift`, so results do not depend on
/// the thread count.
extension Convolution {
    /// Whether `winogradForward`/`winogradBackward` can compute geometry `g`: 3×3, stride 1, dilation 1, one
    /// group, equal padding 0…2.
    public static func winogradSupports(_ g: ConvolutionGeometry) -> Bool {
        g.kernelHeight == 3 && g.kernelWidth == 3 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1 && g.dilationW == 1
            && g.groups == 1 && g.padH == g.padW && (0...2).contains(g.padH) && g.outputHeight > 0 && g.outputWidth > 0
    }

    /// Whether Winograd is worth it for `g` (what `CPUBackend` uses it for): supported, and at least 16 input and
    /// output channels (thinner GEMMs gain nothing).
    public static func winogradApplies(_ g: ConvolutionGeometry) -> Bool {
        winogradSupports(g) && g.inputChannels >= 16 && g.outputChannels >= 16
    }

    /// Target tiles (GEMM columns) per block.
    public static let winogradTargetTiles = 512

    /// The most images in one Winograd block.
    public static let winogradMaxImagesPerBlock = 64

    /// The block plan of a Winograd pass: about `winogradTargetTiles` tiles per block, in whole images, the
    /// image count a power of two of at most `winogradMaxImagesPerBlock`. It depends on the image size only,
    /// not on the batch or the thread count, so an image's output is the same bits whichever batch it is in
    /// (a batch split over data-parallel ranks in multiples of the block computes what one process computes).
    struct WinogradPlan {
        let tilesH: Int
        let tilesW: Int
        /// Images per block.
        let size: Int
        /// Blocks in the batch.
        let count: Int

        init(_ g: ConvolutionGeometry) {
            tilesH = (g.outputHeight + 3) / 4
            tilesW = (g.outputWidth + 3) / 4
            var size = 1
            while size * 2 <= min(winogradMaxImagesPerBlock, winogradTargetTiles / (tilesH * tilesW)) { size *= 2 }
            self.size = size
            count = (g.batch + size - 1) / size
        }

        /// GEMM columns of a full block.
        var tiles: Int { columns(size) }

        /// GEMM columns of a block of `images` images: its tiles, rounded up to a multiple of 16 (the padding
        /// columns are zero). OpenBLAS computes the columns of full 16-column panels the same way whatever N
        /// is, but a tail of fewer columns another way, so without the padding an image's bits would depend on
        /// how many images its block holds (measured: ConvolutionWinogradTests).
        func columns(_ images: Int) -> Int { (images * tilesH * tilesW + 15) / 16 * 16 }
    }

    /// `output[N, O, OH, OW] = conv(input[N, C, H, W], weight[O, C, 3, 3]) + bias[O]` by Winograd F(4, 3);
    /// requires `winogradSupports(g)`.
    public static func winogradForward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>
    ) {
        require(winogradSupports(g), "winogradForward: geometry \(g) is not 3x3 stride 1")
        let plan = WinogradPlan(g)
        let (c, o) = (g.inputChannels, g.outputChannels)
        let u = UnsafeMutablePointer<Float>.allocate(capacity: 36 * o * c)
        defer { u.deallocate() }
        rtk_winograd_weights(weight, Int32(o), Int32(c), u)
        let (x, y, uw) = (SendablePointer(input), SendablePointer(output), SendablePointer(u))
        let b = bias.map { SendablePointer($0) }
        runBlocks(plan.count, scratch: 36 * plan.tiles * (c + o)) { blocks, scratch, parallel in
            for block in blocks {
                let n0 = block * plan.size
                let count = min(plan.size, g.batch - n0)
                let t = plan.columns(count)
                let v = scratch
                let m = SendablePointer(scratch + 36 * c * t)
                transformInputs(g, plan, x.base, firstImage: n0, imageCount: count, into: v, columns: t, parallel: parallel)
                for e in 0..<36 {
                    BLAS.gemm(
                        transA: false, transB: false, m: o, n: t, k: c, a: uw.base + e * o * c, lda: c, b: v + e * c * t, ldb: t,
                        c: m.base + e * o * t, ldc: t)
                }
                let ohw = g.outputHeight * g.outputWidth
                forChannels(o, parallel: parallel) { oc in
                    rtk_winograd_output(
                        m.base + oc * t, o * t, Int32(count), Int32(g.outputHeight), Int32(g.outputWidth), Int32(plan.tilesH),
                        Int32(plan.tilesW), b.map { $0.base[oc] } ?? 0, y.base + (n0 * o + oc) * ohw, o * ohw)
                }
            }
        }
    }

    /// Gradients of `winogradForward` given `gradOutput[N, O, OH, OW]`: `gradInput[N, C, H, W]`,
    /// `gradWeight[O, C, 3, 3]`, `gradBias[O]` (each overwritten; nil skips it).
    public static func winogradBackward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
        gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?
    ) {
        require(winogradSupports(g), "winogradBackward: geometry \(g) is not 3x3 stride 1")
        if let gradBias { biasGradient(g, gradOutput: gradOutput, into: gradBias) }
        if gradInput == nil && gradWeight == nil { return }
        let plan = WinogradPlan(g)
        let (c, o) = (g.inputChannels, g.outputChannels)
        let u = UnsafeMutablePointer<Float>.allocate(capacity: 36 * o * c)
        defer { u.deallocate() }
        rtk_winograd_weights(weight, Int32(o), Int32(c), u)
        // Group j of blocks sums its dU into partial j; the partials are added in order (thread-count independent).
        let groups = min(plan.count, weightGradientGroups)
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: gradWeight == nil ? 1 : groups * 36 * o * c)
        defer { partials.deallocate() }
        if gradWeight != nil { partials.update(repeating: 0, count: groups * 36 * o * c) }
        let (x, dy, uw, dU) = (SendablePointer(input), SendablePointer(gradOutput), SendablePointer(u), SendablePointer(partials))
        let dx = gradInput.map { SendablePointer($0) }
        let wantWeights = gradWeight != nil
        runBlocks(groups, scratch: 36 * plan.tiles * (c + o)) { groupRange, scratch, parallel in
            for j in groupRange {
                for block in (plan.count * j / groups)..<(plan.count * (j + 1) / groups) {
                    let n0 = block * plan.size
                    let count = min(plan.size, g.batch - n0)
                    let t = plan.columns(count)
                    let v = SendablePointer(scratch)
                    let dm = SendablePointer(scratch + 36 * c * t)
                    zeroPadding(dm.base, rows: 36 * o, used: count * plan.tilesH * plan.tilesW, columns: t)
                    let ohw = g.outputHeight * g.outputWidth
                    forChannels(o, parallel: parallel) { oc in
                        rtk_winograd_output_adjoint(
                            dy.base + (n0 * o + oc) * ohw, o * ohw, Int32(count), Int32(g.outputHeight), Int32(g.outputWidth),
                            Int32(plan.tilesH), Int32(plan.tilesW), dm.base + oc * t, o * t)
                    }
                    if wantWeights {
                        transformInputs(g, plan, x.base, firstImage: n0, imageCount: count, into: v.base, columns: t, parallel: parallel)
                        for e in 0..<36 {
                            BLAS.gemm(
                                transA: false, transB: true, m: o, n: c, k: t, a: dm.base + e * o * t, lda: t, b: v.base + e * c * t, ldb: t,
                                beta: 1, c: dU.base + (j * 36 + e) * o * c, ldc: c)
                        }
                    }
                    if let dx {
                        for e in 0..<36 {
                            BLAS.gemm(
                                transA: true, transB: false, m: c, n: t, k: o, a: uw.base + e * o * c, lda: c, b: dm.base + e * o * t, ldb: t,
                                c: v.base + e * c * t, ldc: t)
                        }
                        let hw = g.height * g.width
                        (dx.base + n0 * c * hw).update(repeating: 0, count: count * c * hw)
                        forChannels(c, parallel: parallel) { ch in
                            rtk_winograd_input_adjoint(
                                v.base + ch * t, c * t, Int32(count), Int32(g.height), Int32(g.width), Int32(g.padH), Int32(plan.tilesH),
                                Int32(plan.tilesW), dx.base + (n0 * c + ch) * hw, c * hw)
                        }
                    }
                }
            }
        }
        if let gradWeight {
            let n = 36 * o * c
            for j in 1..<max(groups, 1) { Elementwise.apply(.add, partials, partials + j * n, partials, count: n) }
            rtk_winograd_weights_adjoint(partials, Int32(o), Int32(c), gradWeight)
        }
    }

    /// `V_e[C, T]` (element e at `v + e·C·T`, T = `columns`) of images `n0..<n0+count`: one call per channel c
    /// fills row c with that channel's tiles of every image of the block, image after image; the padding columns
    /// are zeroed.
    private static func transformInputs(
        _ g: ConvolutionGeometry, _ plan: WinogradPlan, _ input: UnsafePointer<Float>, firstImage n0: Int, imageCount count: Int,
        into v: UnsafeMutablePointer<Float>, columns t: Int, parallel: Bool
    ) {
        let (c, hw) = (g.inputChannels, g.height * g.width)
        zeroPadding(v, rows: 36 * c, used: count * plan.tilesH * plan.tilesW, columns: t)
        let x = SendablePointer(input)
        let out = SendablePointer(v)
        forChannels(c, parallel: parallel) { ch in
            rtk_winograd_input(
                x.base + (n0 * c + ch) * hw, c * hw, Int32(count), Int32(g.height), Int32(g.width), Int32(g.padH), Int32(plan.tilesH),
                Int32(plan.tilesW), out.base + ch * t, c * t)
        }
    }

    /// Zeroes columns `used..<columns` of each of the `rows` rows of a `[rows, columns]` matrix.
    private static func zeroPadding(_ matrix: UnsafeMutablePointer<Float>, rows: Int, used: Int, columns: Int) {
        if used == columns { return }
        for r in 0..<rows { (matrix + r * columns + used).update(repeating: 0, count: columns - used) }
    }

    /// Runs `body` for channels `0..<count` (each call covers the block's images), under `parallelFor` when `parallel`.
    private static func forChannels(_ count: Int, parallel: Bool, _ body: @Sendable (Int) -> Void) {
        if parallel {
            parallelFor(count) { range in for p in range { body(p) } }
        } else {
            for p in 0..<count { body(p) }
        }
    }
}
