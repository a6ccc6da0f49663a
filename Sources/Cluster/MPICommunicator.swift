import CMPI
import Support

/// `Communicator` over Open MPI's `MPI_COMM_WORLD` (`mpirun -np N retort train ...`): sums with
/// `MPI_Allreduce` (in place), gathers with `MPI_Allgather`. MPI's default error handler
/// (`MPI_ERRORS_ARE_FATAL`) ends the whole job on a transport error, so the collectives do not throw.
/// One per process: `start()` initialises MPI, `finish()` finalises it, `abort(code:)` ends every rank.
public final class MPICommunicator: Communicator {
    /// This process's rank in `MPI_COMM_WORLD`.
    public let rank: Int
    /// The number of processes in `MPI_COMM_WORLD`.
    public let size: Int

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// Initialises MPI (`MPI_Init_thread`, serialized) and returns the world communicator; throws when
    /// MPI is already finalised or fails to start.
    public static func start() throws -> MPICommunicator {
        if retort_mpi_finalized() != 0 { throw ClusterError.mpi("MPI was already finalised in this process") }
        if retort_mpi_initialized() == 0 {
            let code = retort_mpi_init()
            guard code == 0 else { throw ClusterError.mpi("MPI_Init_thread failed with error code \(code)") }
        }
        return MPICommunicator(rank: Int(retort_mpi_rank()), size: Int(retort_mpi_size()))
    }

    /// The MPI library's own version line (`MPI_Get_library_version`), e.g. "Open MPI v4.1.4".
    public static var libraryVersion: String {
        var buffer = [CChar](repeating: 0, count: Int(MPI_MAX_LIBRARY_VERSION_STRING) + 1)
        var length: Int32 = 0
        _ = retort_mpi_library_version(&buffer, &length)
        let bytes = buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    /// `MPI_Finalize` (after the last collective of the process).
    public func finish() {
        if retort_mpi_finalized() == 0 { _ = retort_mpi_finalize() }
    }

    /// Ends every rank of the job with exit status `code` (`MPI_Abort`; mpirun kills the others).
    public func abort(code: Int32) -> Never {
        _ = retort_mpi_abort(code)
        fatalError("MPI_Abort returned")
    }

    /// Sums over all ranks in place, in chunks of at most 2³⁰ values (MPI counts are 32-bit).
    public func allReduceSum(_ values: inout [Float]) {
        values.withUnsafeMutableBufferPointer { p in
            for start in stride(from: 0, to: p.count, by: Self.chunk) {
                _ = retort_mpi_allreduce_float(p.baseAddress! + start, Int32(min(Self.chunk, p.count - start)))
            }
        }
    }

    /// Sums over all ranks in place, in chunks of at most 2³⁰ values.
    public func allReduceSum(_ values: inout [Double]) {
        values.withUnsafeMutableBufferPointer { p in
            for start in stride(from: 0, to: p.count, by: Self.chunk) {
                _ = retort_mpi_allreduce_double(p.baseAddress! + start, Int32(min(Self.chunk, p.count - start)))
            }
        }
    }

    /// Every rank's `values` in rank order (`MPI_Allgather`; at most 2³⁰ values per rank).
    public func allGather(_ values: [Float]) -> [Float] {
        precondition(values.count <= Self.chunk, "allGather: \(values.count) values per rank is more than MPI's 32-bit count allows here")
        var all = [Float](repeating: 0, count: values.count * size)
        values.withUnsafeBufferPointer { local in
            all.withUnsafeMutableBufferPointer { out in
                _ = retort_mpi_allgather_float(local.baseAddress, Int32(values.count), out.baseAddress)
            }
        }
        return all
    }

    /// `MPI_Barrier`.
    public func barrier() { _ = retort_mpi_barrier() }

    private static let chunk = 1 << 30
}
