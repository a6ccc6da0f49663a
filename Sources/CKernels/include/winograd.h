// Winograd F(4x4, 3x3) transforms (Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural
// Networks"): Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A for a 6x6 input tile d, a 3x3 filter g and a 4x4 output
// tile Y (cross-correlation, as in CNN layers), and the adjoints that give the exact gradients of that
// computation. The 36 transformed values of a tile or filter go to 36 separate matrices ("element" e =
// 6i + j), `stride` floats apart, so that the products over channels are 36 GEMMs (Sources/Kernels/
// Convolution+Winograd.swift). Planes are row-major [H, W]; tiles are numbered ty·tilesW + tx and cover
// the output plane (OH = H + 2·pad − 2, likewise OW), tile (ty, tx) reading input rows 4ty − pad … +5.
// Each function runs an AVX-512 or AVX2 build of the same C when the CPU has it (chosen once).
#ifndef RETORT_WINOGRAD_H
#define RETORT_WINOGRAD_H

/// U[e][o][c] (e-th matrix at U + e·O·C) from weight[O, C, 3, 3].
void rtk_winograd_weights(const float *weight, int outputs, int inputs, float *u);

/// weight gradient[O, C, 3, 3] (overwritten) = Gᵀ dU G per (o, c), the adjoint of `rtk_winograd_weights`.
void rtk_winograd_weights_adjoint(const float *du, int outputs, int inputs, float *gradWeight);

// The plane functions take `images` planes `imageStride` floats apart (one channel of consecutive images);
// their tiles are numbered image after image (tile t of image n at n·tilesH·tilesW + t), so one call's vector loops
// run over the tiles of several small images.

/// V[e][t] = (Bᵀ d_t B)[e] for every tile t of the input planes x[H, W]; element e at v + e·stride, tile t at
/// column t.
void rtk_winograd_input(const float *x, long imageStride, int images, int height, int width, int pad, int tilesH, int tilesW, float *v,
                        long stride);

/// The adjoint of `rtk_winograd_input`: gradX[H, W] += Σ_t B dV_t Bᵀ placed at each tile (tiles overlap).
void rtk_winograd_input_adjoint(const float *dv, long stride, int images, int height, int width, int pad, int tilesH, int tilesW,
                                float *gradX, long imageStride);

/// y[OH, OW] (overwritten) = Aᵀ M_t A for each tile t of the output planes, cropped to the plane, plus `bias`.
void rtk_winograd_output(const float *m, long stride, int images, int outHeight, int outWidth, int tilesH, int tilesW, float bias, float *y,
                         long imageStride);

/// The adjoint of `rtk_winograd_output`: dM[e][t] = (A dY_t Aᵀ)[e] for each tile of gradY[OH, OW] (zero outside).
void rtk_winograd_output_adjoint(const float *gradY, long imageStride, int images, int outHeight, int outWidth, int tilesH, int tilesW,
                                 float *dm, long stride);

#endif
