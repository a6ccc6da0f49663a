/// What can go wrong starting or launching a distributed run.
public enum ClusterError: Error, CustomStringConvertible {
    /// MPI failed (the message names the call).
    case mpi(String)
    /// `--ranks` could not be honoured (the message says why).
    case launch(String)

    /// The message shown to the user.
    public var description: String {
        switch self {
        case .mpi(let m): "MPI: \(m)"
        case .launch(let m): "--ranks: \(m)"
        }
    }
}
