extension ConvolutionGeometry {
    /// Calls `visit(kh·KW + kw, ih·W + iw)` for each tap of the window at output position (`y`, `x`)
    /// that lies inside the `H×W` input plane, row by row (`ih = y·strideH − padH + kh·dilationH`,
    /// likewise `iw`); taps in the padding are skipped. The loop the direct convolution and pooling
    /// kernels share.
    @inlinable @inline(__always)
    public func forEachTap(y: Int, x: Int, _ visit: (_ tap: Int, _ planeIndex: Int) -> Void) {
        for kh in 0..<kernelHeight {
            let ih = y * strideH - padH + kh * dilationH
            if ih < 0 || ih >= height { continue }
            for kw in 0..<kernelWidth {
                let iw = x * strideW - padW + kw * dilationW
                if iw >= 0 && iw < width { visit(kh * kernelWidth + kw, ih * width + iw) }
            }
        }
    }
}
