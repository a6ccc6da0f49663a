// Open MPI's C API for Swift. MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM and MPI_IN_PLACE are macros over
// addresses of library globals, which Swift cannot import, so the few calls Retort makes are wrapped
// in static inline functions here (Sources/Cluster/MPICommunicator.swift uses them).
#ifndef RETORT_CMPI_SHIM_H
#define RETORT_CMPI_SHIM_H
#include <mpi.h>

/// MPI_Init_thread with MPI_THREAD_SERIALIZED (collectives come from one thread at a time); returns
/// the MPI error code, 0 on success.
static inline int retort_mpi_init(void) {
    int provided = 0;
    return MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
}
static inline int retort_mpi_initialized(void) { int flag = 0; MPI_Initialized(&flag); return flag; }
static inline int retort_mpi_finalized(void) { int flag = 0; MPI_Finalized(&flag); return flag; }
static inline int retort_mpi_finalize(void) { return MPI_Finalize(); }
static inline int retort_mpi_rank(void) { int r = 0; MPI_Comm_rank(MPI_COMM_WORLD, &r); return r; }
static inline int retort_mpi_size(void) { int s = 1; MPI_Comm_size(MPI_COMM_WORLD, &s); return s; }
static inline int retort_mpi_allreduce_float(float *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
}
static inline int retort_mpi_allreduce_double(double *values, int count) {
    return MPI_Allreduce(MPI_IN_PLACE, values, count, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}
static inline int retort_mpi_allgather_float(const float *local, int count, float *all) {
    return MPI_Allgather(local, count, MPI_FLOAT, all, count, MPI_FLOAT, MPI_COMM_WORLD);
}
static inline int retort_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }
/// Ends every rank of the job (mpirun kills the others) with `code`.
static inline int retort_mpi_abort(int code) { return MPI_Abort(MPI_COMM_WORLD, code); }
/// The MPI library's version string (e.g. "Open MPI v4.1.4, ...").
static inline const char *retort_mpi_library_version(char *buffer, int *length) {
    MPI_Get_library_version(buffer, length);
    return buffer;
}
#endif
