import Support

/// 2-D pooling over NCHW tensors (PyTorch semantics, floor mode) with gradients.
extension Tensor {
    /// The pooling geometry of `self` `[N, C, H, W]`, validated for the op named `op`.
    func poolingGeometry(_ op: String, kernel: Size2, stride: Size2, padding: Size2) -> ConvolutionGeometry {
        require(rank == 4, "\(op): input \(shape) must be [N, C, H, W]")
        require(
            kernel.h >= 1 && kernel.w >= 1 && stride.h >= 1 && stride.w >= 1,
            "\(op): kernel \(kernel) and stride \(stride) must be >= 1 (input \(shape))")
        require(
            padding.h >= 0 && padding.w >= 0 && 2 * padding.h <= kernel.h && 2 * padding.w <= kernel.w,
            "\(op): padding \(padding) must be at most half of kernel \(kernel) (input \(shape))")
        let g = ConvolutionGeometry(
            batch: shape[0], inputChannels: shape[1], height: shape[2], width: shape[3],
            outputChannels: shape[1], kernelHeight: kernel.h, kernelWidth: kernel.w,
            strideH: stride.h, strideW: stride.w, padH: padding.h, padW: padding.w)
        require(
            g.outputHeight >= 1 && g.outputWidth >= 1,
            "\(op): input \(shape) is smaller than kernel \(kernel) with padding \(padding)")
        return g
    }

    /// Max pooling: `[N, C, H, W] -> [N, C, OH, OW]`, `OH = ⌊(H + 2·pad − KH)/stride⌋ + 1`;
    /// padding never wins. The gradient goes to the (first) maximum of each window.
    public func maxPool2d(kernel: Size2, stride: Size2, padding: Size2 = 0) -> Tensor {
        let g = poolingGeometry("maxPool2d", kernel: kernel, stride: stride, padding: padding)
        let outShape: Shape = [g.batch, g.inputChannels, g.outputHeight, g.outputWidth]
        if count == 0 { return Tensor.emptyResult(outShape, inputs: [self]) }
        let (out, argmax) = Tensor.backend.maxPool(self, geometry: g)
        return Tensor.traced(out, inputs: [self]) { gy in [Tensor.backend.maxPoolGradient(gy, argmax: argmax, geometry: g)] }
    }

    /// Average pooling: `[N, C, H, W] -> [N, C, OH, OW]`; zero padding counts in the divisor
    /// (PyTorch's default `count_include_pad=True`), so every window divides by KH·KW.
    public func avgPool2d(kernel: Size2, stride: Size2, padding: Size2 = 0) -> Tensor {
        let g = poolingGeometry("avgPool2d", kernel: kernel, stride: stride, padding: padding)
        let outShape: Shape = [g.batch, g.inputChannels, g.outputHeight, g.outputWidth]
        if count == 0 { return Tensor.emptyResult(outShape, inputs: [self]) }
        let out = Tensor.backend.averagePool(self, geometry: g)
        return Tensor.traced(out, inputs: [self]) { gy in [Tensor.backend.averagePoolGradient(gy, geometry: g)] }
    }

    /// Global average pooling: `[N, C, H, W] -> [N, C]`, the mean over H·W.
    public func globalAveragePool() -> Tensor {
        require(rank == 4, "globalAveragePool: input \(shape) must be [N, C, H, W]")
        let planes = shape[0] * shape[1]
        let hw = shape[2] * shape[3]
        if planes == 0 || hw == 0 { return Tensor.emptyResult([shape[0], shape[1]], inputs: [self]) }
        let out = Tensor.backend.planeMeans(self, planes: planes, hw: hw, shape: [shape[0], shape[1]])
        let inShape = shape
        return Tensor.traced(out, inputs: [self]) { gy in [Tensor.backend.planeMeansGradient(gy, planes: planes, hw: hw, shape: inShape)] }
    }
}
