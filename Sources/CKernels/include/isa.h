// Which instruction-set build of the CKernels runs: the best the CPU has, unless an application lowers the
// ceiling (retort-bench's `--isa avx2`, to measure on an AVX-512 machine what an AVX2-only one would run).
#ifndef RETORT_ISA_H
#define RETORT_ISA_H

/// 0 baseline (SSE2), 1 AVX2 + FMA, 2 AVX-512: the build the kernels use from now on is the smaller of this and what
/// the CPU supports. A process-wide setting: call it once, before any kernel runs.
void rtk_limit_instruction_set(int level);

/// The build the kernels run: 0 baseline, 1 AVX2, 2 AVX-512 (the CPU's best, under the ceiling).
int rtk_instruction_set(void);

#endif
