// Run-time instruction-set dispatch shared by the CKernels files: each kernel's body is an always-inline
// function; RTK_BUILDS(VARIANTS) instantiates a file's VARIANTS(suffix, attributes) macro once per instruction set
// (baseline; on x86-64 also AVX2 and AVX-512), and RTK_DISPATCH(name, args...) calls the best build the CPU has,
// chosen once per file, under the ceiling an application may set (isa.h).
#ifndef RETORT_CKERNELS_DISPATCH_H
#define RETORT_CKERNELS_DISPATCH_H

#define RTK_INLINE static inline __attribute__((always_inline))

// 16 floats as one value (a zmm register on AVX-512, two ymm on AVX2, four xmm on the baseline build), loaded and
// stored with memcpy at any alignment: the GEMM kernels' row of a 16-column panel.
typedef float rtk_v16 __attribute__((vector_size(64), aligned(4)));

#if defined(__x86_64__)
#define RTK_BUILDS(VARIANTS)                                                 \
    VARIANTS(base, )                                                         \
    VARIANTS(avx2, __attribute__((target("avx2,fma"))))                      \
    VARIANTS(avx512, __attribute__((target("avx512f,avx512vl,avx2,fma"))))

extern int rtk_isa_ceiling;

static inline int rtk_level(void) {
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        cached = __builtin_cpu_supports("avx512f") ? 2 : __builtin_cpu_supports("avx2") ? 1 : 0;
    }
    return cached < rtk_isa_ceiling ? cached : rtk_isa_ceiling;
}

#define RTK_DISPATCH(name, ...)                \
    switch (rtk_level()) {                     \
    case 2: name##_avx512(__VA_ARGS__); break; \
    case 1: name##_avx2(__VA_ARGS__); break;   \
    default: name##_base(__VA_ARGS__); break;  \
    }
#else
#define RTK_BUILDS(VARIANTS) VARIANTS(base, )
#define RTK_DISPATCH(name, ...) name##_base(__VA_ARGS__)
static inline int rtk_level(void) { return 0; }
#endif

#endif
