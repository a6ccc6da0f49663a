import Support

/// Channels-last (NHWC) forward convolution, groups = 1, kept to measure the layout question of
/// the design (NCHW vs NHWC on OpenBLAS); the engine itself uses NCHW (`Convolution`).
/// Input `[N, H, W, C]`, weight `[KH, KW, C, O]`, output `[N, OH, OW, O]`:
/// im2col rows are output pixels holding KH·KW contiguous C-vectors, then one SGEMM
/// `[pixels, KH·KW·C] x [KH·KW·C, O]` per block of images.
public enum ConvolutionNHWC {
    /// Forward convolution in NHWC (output overwritten).
    public static func forward(
        _ g: ConvolutionGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        output: UnsafeMutablePointer<Float>
    ) {
        require(g.groups == 1, "ConvolutionNHWC supports groups = 1 only")
        let oh = g.outputHeight
        let ow = g.outputWidth
        let ohw = oh * ow
        let c = g.inputChannels
        let kdim = g.kernelHeight * g.kernelWidth * c
        let block = Convolution.imagesPerBlock(g)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: max(1, kdim * block * ohw))
        defer { scratch.deallocate() }
        let src = SendablePointer(input)
        let col = SendablePointer(scratch)
        for n0 in stride(from: 0, to: g.batch, by: block) {
            let nb = min(block, g.batch - n0)
            parallelFor(nb * oh, grain: max(1, 64 / max(ow, 1))) { range in
                for task in range {
                    let b = task / oh
                    let y = task % oh
                    let image = src.base + (n0 + b) * g.height * g.width * c
                    for x in 0..<ow {
                        var dst = col.base + ((b * oh + y) * ow + x) * kdim
                        for kh in 0..<g.kernelHeight {
                            let ih = y * g.strideH - g.padH + kh * g.dilationH
                            for kw in 0..<g.kernelWidth {
                                let iw = x * g.strideW - g.padW + kw * g.dilationW
                                if ih < 0 || ih >= g.height || iw < 0 || iw >= g.width {
                                    dst.update(repeating: 0, count: c)
                                } else {
                                    dst.update(from: image + (ih * g.width + iw) * c, count: c)
                                }
                                dst += c
                            }
                        }
                    }
                }
            }
            BLAS.gemm(
                transA: false, transB: false, m: nb * ohw, n: g.outputChannels, k: kdim, a: scratch, lda: kdim,
                b: weight, ldb: g.outputChannels, c: output + n0 * ohw * g.outputChannels, ldc: g.outputChannels)
        }
    }
}
