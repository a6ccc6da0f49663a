// Per-pixel colour kernels of Retort's DataStore augmentations (torchvision tensor semantics) on
// planar float images in [0, 1]. Plain C loops, compiled three times: for the baseline target and,
// on x86-64, for AVX2 and AVX-512 (no FMA: the same IEEE operations in the same order, so both give bit-identical
// results), picked at run time. Swift cannot emit AVX2 code without raising the whole package's
// target CPU, and its SIMD selects compile to several instructions per lane on SSE2.
#ifndef RETORT_PIXEL_KERNELS_H
#define RETORT_PIXEL_KERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// torchvision `adjust_hue` by `shift` (in [-0.5, 0.5]) of the planar R, G, B planes of `x`
/// (`n` pixels each): in place, or when `out` is not NULL written to `out` (same layout) as
/// (v - mean[c]) * inv_std[c]. `baseline`: 0 picks the widest path the CPU has (AVX-512, AVX2),
/// 1 forces the portable baseline path, 2 at most AVX2 (tests check that all agree bit for bit).
void rtk_hue(float *x, long n, float shift, float *out, const float *mean, const float *inv_std, int baseline);

/// torchvision `adjust_saturation` by `factor`; same layout and output conventions as `rtk_hue`.
void rtk_saturate(float *x, long n, float factor, float *out, const float *mean, const float *inv_std, int baseline);

/// x = clamp(a x + b, 0, 1) on `channels` planes of `n` values (brightness, contrast); same output
/// conventions as `rtk_hue` (`mean`/`inv_std` per channel).
void rtk_affine(float *x, long n, int channels, float a, float b, float *out, const float *mean, const float *inv_std, int baseline);

/// torchvision `rgb_to_grayscale` (0.2989 R + 0.587 G + 0.114 B) kept as 3 equal channels; same
/// layout and output conventions as `rtk_hue`.
void rtk_grayscale(float *x, long n, float *out, const float *mean, const float *inv_std, int baseline);

/// Mean of the grayscale image (0.2989 R + 0.587 G + 0.114 B, or the only channel) of the planar
/// `x` (`channels` planes of `n` values), summed in the order of the Swift loop it replaced.
float rtk_gray_mean(const float *x, long n, int channels, int baseline);

/// Whether the AVX2 code path is in use on this machine.
int rtk_has_avx2(void);

/// 1 when the CPU has the AVX-512 subsets (F, VL, BW, DQ) of the wide colour-kernel path, else 0.
int rtk_has_avx512(void);

#ifdef __cplusplus
}
#endif

#endif
