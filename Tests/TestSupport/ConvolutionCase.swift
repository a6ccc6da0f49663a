import Support

/// Random data for a convolution kernel test of geometry `g`: input, weight (scaled by `weightScale`), bias
/// and output gradient, drawn from one Philox stream in that order, and NaN-filled result buffers (so a
/// kernel that skips an element fails).
public struct ConvolutionCase {
    /// The geometry.
    public let geometry: ConvolutionGeometry
    /// `[N, C, H, W]`, `[O, C/groups, KH, KW]`, `[O]` and the output gradient `[N, O, OH, OW]`.
    public let input, weight, bias, gradOutput: [Float]
    /// Results: output, input, weight and bias gradients.
    public var y, dx, dw, db: [Float]

    /// Draws the data of `g` from `Philox(seed:)`.
    public init(_ g: ConvolutionGeometry, seed: UInt64, weightScale: Float = 1) {
        var rng = Philox(seed: seed)
        geometry = g
        input = (0..<(g.batch * g.inputChannels * g.height * g.width)).map { _ in rng.nextNormal() }
        weight = (0..<(g.outputChannels * g.columnRows)).map { _ in rng.nextNormal() * weightScale }
        bias = (0..<g.outputChannels).map { _ in rng.nextNormal() }
        let outCount = g.batch * g.outputChannels * g.outputHeight * g.outputWidth
        gradOutput = (0..<outCount).map { _ in rng.nextNormal() }
        (y, dx, dw, db) = (
            .init(repeating: .nan, count: outCount), .init(repeating: .nan, count: input.count),
            .init(repeating: .nan, count: weight.count), .init(repeating: .nan, count: bias.count)
        )
    }
}
