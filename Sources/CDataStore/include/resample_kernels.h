// Separable antialiased-bilinear crop-resize kernels of Retort's DataStore (Pillow / torchvision
// semantics, see Sources/DataStore/Augment/Augmenter+Kernel.swift) for views whose taps read at
// most 2 inputs per output and where every 8 consecutive outputs' first inputs lie within 8
// consecutive inputs (upscaling and identity: every 32 px SSL view). Compiled for the baseline
// target and, on x86-64, with AVX2 (no FMA: the same IEEE operations in the same order as the
// Swift path, so all three give bit-identical results), picked at run time.
#ifndef RETORT_RESAMPLE_KERNELS_H
#define RETORT_RESAMPLE_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The taps of one axis. Outputs are in output order (already mirrored for a flipped axis) and
/// padded to a multiple of 8 with zero weights. Input indices are relative to the first input read.
typedef struct {
    /// Per group of 8 outputs: the smallest first input of the group.
    const int32_t *group_base;
    /// Per output: its first input minus its group's base (0...7).
    const int32_t *lane;
    /// Per output: its first input (the vertical axis reads rows by this).
    const int32_t *first;
    /// Per output: the weights of its first and second input (zero past its own tap count).
    const float *w0, *w1;
    /// Taps run for every output: 1 or 2.
    int taps;
    /// Outputs (unpadded).
    int count;
    /// Inputs read: every first + taps - 1 lies below this.
    int inputs;
} rtk_axis_taps;

/// Floats of scratch `rtk_resample` needs.
long rtk_resample_scratch(int channels, int rows, int cols, int out_h, int out_w);

/// Crop-resize of the uint8 HWC pixels at `src` (rows `y.inputs`, columns `x.inputs`, row stride
/// `stride` bytes, `readable` bytes readable from `src`) into planar float `dst` ([C][out_h * out_w]),
/// each value the Pillow uint8 rounding of the filtered value, v, written as v * a[c] + b[c].
/// `vertical_first` picks the pass order (the result depends on it in the last bit, as in the Swift
/// path). `scratch` holds `rtk_resample_scratch` floats, zero-initialised once (padding is read
/// with zero weights and must be finite). `baseline` forces the baseline code path (tests).
void rtk_resample(const uint8_t *src, long stride, long readable, int channels, const rtk_axis_taps *y, const rtk_axis_taps *x,
                  int vertical_first, const float *a, const float *b, float *dst, float *scratch, int baseline);

/// Prefetches the `bytes` bytes at `p` into the cache (a hint; no effect on results).
void rtk_prefetch(const void *p, long bytes);

#ifdef __cplusplus
}
#endif

#endif
