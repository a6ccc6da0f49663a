#include <cblas.h>
#include <malloc.h>  /* glibc's mallopt and its M_* parameters (MemoryPolicy), which Swift's Glibc module does not export */

/* OpenBLAS functions that libopenblas exports but cblas.h does not declare (BLAS.limitIdleSpinning). */
void openblas_read_env(void);
int blas_thread_shutdown_(void);
int blas_thread_init(void);
