import Support

/// The forward and backward passes of `Convolution`, in blocks of images.
///
/// When the batch gives at least one block per thread, each thread takes whole blocks and runs
/// their im2col, single-threaded GEMM and copies itself (no barrier between the phases of a block,
/// no GEMM thread hand-off); otherwise the blocks run one after another with OpenBLAS's threads and
/// parallel helpers. Either way every output element comes from the same GEMMs in the same order:
/// weight gradients are summed per fixed group of blocks (`weightGradientGroups`) and the groups
/// are added in order, so results do not depend on the thread count.
extension Convolution {
    /// The most partial weight gradients a backward pass keeps (one per group of blocks).
    public static let weightGradientGroups = 8

    /// The block plan of a pass. It does not depend on the thread count (the weight-gradient
    /// groups follow the blocks), so neither do the results.
    struct BlockPlan {
        /// Images per block.
        let size: Int
        /// Blocks in the batch.
        let count: Int
        /// A pointwise stride-1 convolution with one image per block: the GEMM reads the input planes.
        let direct: Bool
        /// Floats of the im2col matrix at the start of a pass's scratch (0 when direct).
        let columnCount: Int
        /// Floats of scratch per thread: the im2col matrix, then one block's `[O/groups, cols]` matrix.
        let scratchCount: Int

        init(_ g: ConvolutionGeometry, columns: Int) {
            let ohw = g.outputHeight * g.outputWidth
            size = imagesPerBlock(g, columns: columns)
            count = (g.batch + size - 1) / size
            direct = g.isPointwise && size == 1
            columnCount = direct ? 0 : g.columnRows * size * ohw
            scratchCount = max(1, columnCount + (size > 1 ? g.groupOutputChannels * size * ohw : 0))
        }
    }

    /// `output[N, O, OH, OW] = conv(input[N, C, H, W], weight[O, C/groups, KH, KW]) + bias[O]`;
    /// `blockColumns` (GEMM width per block) is exposed for tuning.
    public static func forward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
        blockColumns: Int = targetColumns
    ) {
        let plan = BlockPlan(g, columns: blockColumns)
        let x = SendablePointer(input)
        let w = SendablePointer(weight)
        let y = SendablePointer(output)
        let b = bias.map { SendablePointer($0) }
        runBlocks(plan.count, scratch: plan.scratchCount) { blocks, scratch, parallel in
            for block in blocks {
                let n0 = block * plan.size
                forwardBlock(
                    g, input: x.base, weight: w.base, bias: b?.base, output: y.base, firstImage: n0,
                    imageCount: min(plan.size, g.batch - n0), direct: plan.direct, scratch: scratch,
                    tmp: scratch + plan.columnCount, parallel: parallel)
            }
        }
    }

    /// Gradients of `forward` given `gradOutput[N, O, OH, OW]`: `gradInput[N, C, H, W]`,
    /// `gradWeight[O, C/groups, KH, KW]`, `gradBias[O]` (each overwritten; nil skips it);
    /// `blockColumns` as in `forward`.
    public static func backward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
        gradWeight: UnsafeMutablePointer<Float>?, gradBias: UnsafeMutablePointer<Float>?,
        blockColumns: Int = targetColumns
    ) {
        if let gradBias { biasGradient(g, gradOutput: gradOutput, into: gradBias) }
        if gradInput == nil && gradWeight == nil { return }
        let plan = BlockPlan(g, columns: blockColumns)
        // Group j of blocks accumulates its weight gradient into partial j (group 0: gradWeight itself).
        let weightCount = g.outputChannels * g.columnRows
        let groups = min(plan.count, weightGradientGroups)
        let partials = UnsafeMutablePointer<Float>.allocate(capacity: gradWeight == nil ? 1 : max(1, (groups - 1) * weightCount))
        defer { partials.deallocate() }
        if let gradWeight {
            gradWeight.update(repeating: 0, count: weightCount)
            partials.update(repeating: 0, count: (groups - 1) * weightCount)
        }
        let x = SendablePointer(input)
        let w = SendablePointer(weight)
        let dy = SendablePointer(gradOutput)
        let dx = gradInput.map { SendablePointer($0) }
        let dw = gradWeight.map { SendablePointer($0) }
        let p = SendablePointer(partials)
        runBlocks(groups, scratch: plan.scratchCount) { groupRange, scratch, parallel in
            for j in groupRange {
                let target = dw.map { j == 0 ? $0.base : p.base + (j - 1) * weightCount }
                for block in (plan.count * j / groups)..<(plan.count * (j + 1) / groups) {
                    let n0 = block * plan.size
                    backwardBlock(
                        g, input: x.base, weight: w.base, gradOutput: dy.base, gradInput: dx?.base,
                        gradWeight: target, firstImage: n0, imageCount: min(plan.size, g.batch - n0),
                        direct: plan.direct, scratch: scratch, dyBuffer: scratch + plan.columnCount, parallel: parallel)
                }
            }
        }
        if let dw {
            for j in 1..<max(groups, 1) {
                Elementwise.apply(.add, dw.base, p.base + (j - 1) * weightCount, dw.base, count: weightCount)
            }
        }
    }

    /// Runs `body` over `0..<count` work items: split across threads (each with its own scratch of
    /// `scratch` floats, OpenBLAS single-threaded, helpers serial: `parallel` false) when there is
    /// at least one item per thread, else in order on this thread with parallel helpers.
    static func runBlocks(
        _ count: Int, scratch: Int,
        _ body: @Sendable (Range<Int>, UnsafeMutablePointer<Float>, _ parallel: Bool) -> Void
    ) {
        let threads = ParallelLoops.threadCount
        if threads > 1 && count >= threads {
            BLAS.withSingleThread {
                parallelFor(count) { range in
                    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
                    defer { buffer.deallocate() }
                    body(range, buffer, false)
                }
            }
        } else {
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: scratch)
            defer { buffer.deallocate() }
            body(0..<count, buffer, true)
        }
    }

    /// The forward pass of images `n0..<n0+count`, every group.
    static func forwardBlock(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>, firstImage n0: Int,
        imageCount count: Int, direct: Bool, scratch: UnsafeMutablePointer<Float>,
        tmp: UnsafeMutablePointer<Float>, parallel: Bool
    ) {
        let ohw = g.outputHeight * g.outputWidth
        let hw = g.height * g.width
        let rows = g.columnRows
        let og = g.groupOutputChannels
        let ld = count * ohw
        for grp in 0..<g.groups {
            let col: UnsafePointer<Float>
            if direct {
                col = input + (n0 * g.inputChannels + grp * g.groupInputChannels) * hw
            } else {
                im2col(g, input: input, firstImage: n0, imageCount: count, group: grp, col: scratch, parallel: parallel)
                col = UnsafePointer(scratch)
            }
            let w = weight + grp * og * rows
            if count == 1 {
                let planes = output + (n0 * g.outputChannels + grp * og) * ohw
                BLAS.gemm(
                    transA: false, transB: false, m: og, n: ohw, k: rows, a: w, lda: rows, b: col, ldb: ohw,
                    c: planes, ldc: ohw)
                if let bias {
                    for o in 0..<og {
                        let v = bias[grp * og + o]
                        let plane = planes + o * ohw
                        for i in 0..<ohw { plane[i] += v }
                    }
                }
            } else {
                BLAS.gemm(
                    transA: false, transB: false, m: og, n: ld, k: rows, a: w, lda: rows, b: col, ldb: ld,
                    c: tmp, ldc: ld)
                shuffle(
                    g, planes: output, matrix: tmp, firstImage: n0, imageCount: count, group: grp, toMatrix: false,
                    bias: bias, parallel: parallel)
            }
        }
    }

    /// The backward pass of images `n0..<n0+count`, every group: the input gradient of those
    /// images (written), the weight gradient added into `gradWeight` (beta = 1).
    static func backwardBlock(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        gradOutput: UnsafePointer<Float>, gradInput: UnsafeMutablePointer<Float>?,
        gradWeight: UnsafeMutablePointer<Float>?, firstImage n0: Int, imageCount count: Int,
        direct: Bool, scratch: UnsafeMutablePointer<Float>, dyBuffer: UnsafeMutablePointer<Float>,
        parallel: Bool
    ) {
        let ohw = g.outputHeight * g.outputWidth
        let hw = g.height * g.width
        let rows = g.columnRows
        let og = g.groupOutputChannels
        let ld = count * ohw
        // The block's own images, zeroed here (cache-warm, on this block's thread) before col2im adds.
        gradInput.map { (start: UnsafeMutablePointer<Float>) in
            (start + n0 * g.inputChannels * hw).update(repeating: 0, count: count * g.inputChannels * hw)
        }
        for grp in 0..<g.groups {
            let dy: UnsafePointer<Float>
            if count == 1 {
                dy = gradOutput + (n0 * g.outputChannels + grp * og) * ohw
            } else {
                shuffle(
                    g, planes: UnsafeMutablePointer(mutating: gradOutput), matrix: dyBuffer,
                    firstImage: n0, imageCount: count, group: grp, toMatrix: true, parallel: parallel)
                dy = UnsafePointer(dyBuffer)
            }
            let w = weight + grp * og * rows
            let inputSlice = n0 * g.inputChannels + grp * g.groupInputChannels
            if let gradWeight {
                // dW_g[Og, rows] += dY_g[Og, cols] · col[rows, cols]ᵀ
                let col: UnsafePointer<Float>
                if direct {
                    col = input + inputSlice * hw
                } else {
                    im2col(g, input: input, firstImage: n0, imageCount: count, group: grp, col: scratch, parallel: parallel)
                    col = UnsafePointer(scratch)
                }
                BLAS.gemm(
                    transA: false, transB: true, m: og, n: rows, k: ld, a: dy, lda: ld, b: col, ldb: ld,
                    beta: 1, c: gradWeight + grp * og * rows, ldc: rows)
            }
            if let gradInput {
                // dcol[rows, cols] = W_gᵀ · dY_g, then col2im.
                if direct {
                    BLAS.gemm(
                        transA: true, transB: false, m: rows, n: ohw, k: og, a: w, lda: rows, b: dy, ldb: ohw,
                        beta: 1, c: gradInput + inputSlice * hw, ldc: hw)
                } else {
                    BLAS.gemm(
                        transA: true, transB: false, m: rows, n: ld, k: og, a: w, lda: rows, b: dy, ldb: ld,
                        c: scratch, ldc: ld)
                    col2im(
                        g, col: scratch, firstImage: n0, imageCount: count, group: grp, gradInput: gradInput,
                        parallel: parallel)
                }
            }
        }
    }

    /// gradBias[o] = Σ over images and pixels of gradOutput[n, o] (Double accumulation per channel).
    static func biasGradient(_ g: ConvolutionGeometry, gradOutput: UnsafePointer<Float>, into gradBias: UnsafeMutablePointer<Float>) {
        let ohw = g.outputHeight * g.outputWidth
        let gb = SendablePointer(gradBias)
        let gy = SendablePointer(gradOutput)
        parallelFor(g.outputChannels, grain: max(1, 8192 / max(ohw * g.batch, 1))) { range in
            for o in range {
                var acc: Double = 0
                for n in 0..<g.batch {
                    let plane = gy.base + (n * g.outputChannels + o) * ohw
                    var s: Float = 0
                    for i in 0..<ohw { s += plane[i] }
                    acc += Double(s)
                }
                gb[o] = Float(acc)
            }
        }
    }
}
