import Support

/// 2-D convolution (NCHW, PyTorch semantics) with its gradients (`Backend.convolution`: on the CPU im2col + SGEMM).
extension Tensor {
    /// Cross-correlation of `self` `[N, C, H, W]` with `weight` `[O, C/groups, KH, KW]` plus
    /// `bias` `[O]`, giving `[N, O, OH, OW]` with `OH = ⌊(H + 2·pad − dil·(KH − 1) − 1)/stride⌋ + 1`
    /// (likewise OW). `groups == C` is a depthwise convolution. Gradients for input, weight and bias.
    public func conv2d(
        _ weight: Tensor, bias: Tensor? = nil, stride: Size2 = 1, padding: Size2 = 0,
        dilation: Size2 = 1, groups: Int = 1
    ) -> Tensor {
        require(
            rank == 4 && weight.rank == 4,
            "conv2d: input \(shape) must be [N, C, H, W] and weight \(weight.shape) [O, C/groups, KH, KW]")
        require(groups >= 1, "conv2d: groups must be >= 1, got \(groups)")
        require(
            stride.h >= 1 && stride.w >= 1 && dilation.h >= 1 && dilation.w >= 1 && padding.h >= 0 && padding.w >= 0,
            "conv2d: stride \(stride) and dilation \(dilation) must be >= 1, padding \(padding) >= 0")
        let (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3])
        let (o, cg, kh, kw) = (weight.shape[0], weight.shape[1], weight.shape[2], weight.shape[3])
        require(
            c % groups == 0 && o % groups == 0 && cg * groups == c,
            "conv2d: input \(shape) and weight \(weight.shape) do not match for groups = \(groups) (need C = groups·weight[1] and O divisible by groups)"
        )
        if let bias { require(bias.shape == [o], "conv2d: bias \(bias.shape) must be [\(o)] for weight \(weight.shape)") }
        let g = ConvolutionGeometry(
            batch: n, inputChannels: c, height: h, width: w, outputChannels: o,
            kernelHeight: kh, kernelWidth: kw, strideH: stride.h, strideW: stride.w,
            padH: padding.h, padW: padding.w, dilationH: dilation.h, dilationW: dilation.w, groups: groups)
        require(
            g.outputHeight >= 1 && g.outputWidth >= 1,
            "conv2d: input \(shape) is smaller than the dilated kernel of weight \(weight.shape) (padding \(padding), dilation \(dilation))")
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        let outShape: Shape = [n, o, g.outputHeight, g.outputWidth]
        if count == 0 || weight.count == 0 { return Tensor.emptyResult(outShape, inputs: inputs) }
        let out = Tensor.backend.convolution(self, weight: weight, bias: bias, geometry: g)
        let x = detached
        let wd = weight.detached
        let needInput = isTraced
        let needWeight = weight.isTraced
        let needBias = bias?.isTraced ?? false
        return Tensor.traced(out, inputs: inputs) { gy in
            let (gx, gw, gb) = Tensor.backend.convolutionGradients(
                gy, x: x, weight: wd, geometry: g, input: needInput, weights: needWeight, bias: needBias)
            return bias == nil ? [gx, gw] : [gx, gw, gb]
        }
    }
}

extension Tensor {
    /// The zero-filled result of an op on empty data (no kernel runs: empty buffers have no base
    /// address), with zero gradients for every input.
    static func emptyResult(_ shape: Shape, inputs: [Tensor]) -> Tensor {
        let shapes = inputs.map(\.shape)
        return traced(Tensor(zeros: shape), inputs: inputs) { _ in shapes.map { Tensor(zeros: $0) } }
    }
}
