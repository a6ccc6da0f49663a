import CKernels

/// The instruction-set build the C kernels (`Sources/CKernels`: Winograd transforms, GELU, softmax rows) run:
/// the best the CPU supports, under a ceiling an application may lower once at start-up (`retort-bench
/// --isa avx2` measures on an AVX-512 machine what an AVX2-only machine would run). OpenBLAS has its own
/// choice (`BLAS.coreName`, `OPENBLAS_CORETYPE`).
public enum InstructionSet: Int, Sendable, CaseIterable, CustomStringConvertible {
    case baseline = 0
    case avx2 = 1
    case avx512 = 2

    /// The build in use now.
    public static var current: InstructionSet { InstructionSet(rawValue: Int(rtk_instruction_set())) ?? .baseline }

    /// Caps the build at `ceiling` for the rest of the process (a process-wide setting: applications only,
    /// before the first kernel runs).
    public static func limit(to ceiling: InstructionSet) { rtk_limit_instruction_set(Int32(ceiling.rawValue)) }

    /// The name `--isa` takes: `baseline`, `avx2`, `avx512`.
    public var description: String { ["baseline", "avx2", "avx512"][rawValue] }
}
