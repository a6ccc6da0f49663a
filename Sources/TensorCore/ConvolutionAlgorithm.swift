/// How a backend computes convolutions.
public enum ConvolutionAlgorithm: String, Sendable, Codable, CaseIterable {
    /// The fastest method for each layer: on the CPU, Winograd F(4×4, 3×3) for 3×3 stride-1 layers of at
    /// least 16 channels (about 1e-5 relative from the exact result), im2col + SGEMM for the rest.
    case fastest
    /// im2col + SGEMM for every layer: about 1e-6 relative rounding, and results that stay within 1e-5
    /// over steps when the batch is split differently (across data-parallel ranks, for instance).
    case im2col
}
