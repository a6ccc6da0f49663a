// Winograd F(4x4, 3x3) transforms; see include/winograd.h. Each 2-D transform is two 1-D passes: first
// down the columns of a whole tile row (contiguous loops the compiler vectorises), then along the rows
// of each tile. The 1-D transforms are written out (no multiplications by the zeros of Bᵀ, G, Aᵀ).
#include "winograd.h"
#include "dispatch.h"

#include <string.h>


// Bᵀ d (6 -> 6).
RTK_INLINE void bt6(const float *d, long ds, float *r, long rs) {
    float d0 = d[0], d1 = d[ds], d2 = d[2 * ds], d3 = d[3 * ds], d4 = d[4 * ds], d5 = d[5 * ds];
    r[0] = 4 * d0 - 5 * d2 + d4;
    r[rs] = -4 * d1 - 4 * d2 + d3 + d4;
    r[2 * rs] = 4 * d1 - 4 * d2 - d3 + d4;
    r[3 * rs] = -2 * d1 - d2 + 2 * d3 + d4;
    r[4 * rs] = 2 * d1 - d2 - 2 * d3 + d4;
    r[5 * rs] = 4 * d1 - 5 * d3 + d5;
}

// B v (6 -> 6), the adjoint of bt6.
RTK_INLINE void b6(const float *v, long vs, float *r, long rs) {
    float v0 = v[0], v1 = v[vs], v2 = v[2 * vs], v3 = v[3 * vs], v4 = v[4 * vs], v5 = v[5 * vs];
    r[0] = 4 * v0;
    r[rs] = -4 * v1 + 4 * v2 - 2 * v3 + 2 * v4 + 4 * v5;
    r[2 * rs] = -5 * v0 - 4 * v1 - 4 * v2 - v3 - v4;
    r[3 * rs] = v1 - v2 + 2 * v3 - 2 * v4 - 5 * v5;
    r[4 * rs] = v0 + v1 + v2 + v3 + v4;
    r[5 * rs] = v5;
}

// Aᵀ m (6 -> 4).
RTK_INLINE void at4(const float *m, long ms, float *r, long rs) {
    float m0 = m[0], m1 = m[ms], m2 = m[2 * ms], m3 = m[3 * ms], m4 = m[4 * ms], m5 = m[5 * ms];
    r[0] = m0 + m1 + m2 + m3 + m4;
    r[rs] = m1 - m2 + 2 * m3 - 2 * m4;
    r[2 * rs] = m1 + m2 + 4 * m3 + 4 * m4;
    r[3 * rs] = m1 - m2 + 8 * m3 - 8 * m4 + m5;
}

// A y (4 -> 6), the adjoint of at4.
RTK_INLINE void a6(const float *y, long ys, float *r, long rs) {
    float y0 = y[0], y1 = y[ys], y2 = y[2 * ys], y3 = y[3 * ys];
    r[0] = y0;
    r[rs] = y0 + y1 + y2 + y3;
    r[2 * rs] = y0 - y1 + y2 - y3;
    r[3 * rs] = y0 + 2 * y1 + 4 * y2 + 8 * y3;
    r[4 * rs] = y0 - 2 * y1 + 4 * y2 - 8 * y3;
    r[5 * rs] = y3;
}

// G g (3 -> 6).
RTK_INLINE void g6(const float *g, long gs, float *r, long rs) {
    float g0 = g[0], g1 = g[gs], g2 = g[2 * gs];
    r[0] = g0 / 4;
    r[rs] = -(g0 + g1 + g2) / 6;
    r[2 * rs] = -(g0 - g1 + g2) / 6;
    r[3 * rs] = g0 / 24 + g1 / 12 + g2 / 6;
    r[4 * rs] = g0 / 24 - g1 / 12 + g2 / 6;
    r[5 * rs] = g2;
}

// Gᵀ u (6 -> 3), the adjoint of g6.
RTK_INLINE void gt3(const float *u, long us, float *r, long rs) {
    float u0 = u[0], u1 = u[us], u2 = u[2 * us], u3 = u[3 * us], u4 = u[4 * us], u5 = u[5 * us];
    r[0] = u0 / 4 - u1 / 6 - u2 / 6 + u3 / 24 + u4 / 24;
    r[rs] = -u1 / 6 + u2 / 6 + u3 / 12 - u4 / 12;
    r[2 * rs] = -u1 / 6 - u2 / 6 + u3 / 6 + u4 / 6 + u5;
}

// The filter transforms run over chunks of WCHUNK (output, input) channel pairs, vectorised over the chunk: the
// 3×3 filters are first split into nine planes, the 36 results written as 36 contiguous runs.
#define WCHUNK 64

RTK_INLINE void weights_body(const float *w, int outputs, int inputs, float *u) {
    long oc = (long)outputs * inputs;
    float g[9][WCHUNK], t[6][3][WCHUNK];
    for (long p0 = 0; p0 < oc; p0 += WCHUNK) {
        int n = oc - p0 < WCHUNK ? (int)(oc - p0) : WCHUNK;
        for (int q = 0; q < n; q++)
            for (int k = 0; k < 9; k++) g[k][q] = w[9 * (p0 + q) + k];
        for (int l = 0; l < 3; l++) {
            for (int q = 0; q < n; q++) g6(&g[l][q], 3 * WCHUNK, &t[0][l][q], 3 * WCHUNK);
        }
        for (int i = 0; i < 6; i++) {
            float *out = u + 6 * i * oc + p0;
            float *restrict u0 = out, *restrict u1 = out + oc, *restrict u2 = out + 2 * oc;
            float *restrict u3 = out + 3 * oc, *restrict u4 = out + 4 * oc, *restrict u5 = out + 5 * oc;
            for (int q = 0; q < n; q++) {
                float g0 = t[i][0][q], g1 = t[i][1][q], g2 = t[i][2][q];
                u0[q] = g0 / 4;
                u1[q] = -(g0 + g1 + g2) / 6;
                u2[q] = -(g0 - g1 + g2) / 6;
                u3[q] = g0 / 24 + g1 / 12 + g2 / 6;
                u4[q] = g0 / 24 - g1 / 12 + g2 / 6;
                u5[q] = g2;
            }
        }
    }
}

RTK_INLINE void weights_adjoint_body(const float *du, int outputs, int inputs, float *dw) {
    long oc = (long)outputs * inputs;
    float t[6][3][WCHUNK], r[9][WCHUNK];
    for (long p0 = 0; p0 < oc; p0 += WCHUNK) {
        int n = oc - p0 < WCHUNK ? (int)(oc - p0) : WCHUNK;
        for (int i = 0; i < 6; i++) {
            const float *in = du + 6 * i * oc + p0;
            const float *d0 = in, *d1 = in + oc, *d2 = in + 2 * oc, *d3 = in + 3 * oc, *d4 = in + 4 * oc, *d5 = in + 5 * oc;
            for (int q = 0; q < n; q++) {
                float u0 = d0[q], u1 = d1[q], u2 = d2[q], u3 = d3[q], u4 = d4[q], u5 = d5[q];
                t[i][0][q] = u0 / 4 - u1 / 6 - u2 / 6 + u3 / 24 + u4 / 24;
                t[i][1][q] = -u1 / 6 + u2 / 6 + u3 / 12 - u4 / 12;
                t[i][2][q] = -u1 / 6 - u2 / 6 + u3 / 6 + u4 / 6 + u5;
            }
        }
        for (int l = 0; l < 3; l++) {
            for (int q = 0; q < n; q++) gt3(&t[0][l][q], 3 * WCHUNK, &r[l][q], 3 * WCHUNK);
        }
        for (int q = 0; q < n; q++)
            for (int k = 0; k < 9; k++) dw[9 * (p0 + q) + k] = r[k][q];
    }
}

// Tile rows per chunk of the per-tile passes: enough tiles (about 64) for long vector loops over tiles.
RTK_INLINE int chunk_rows(int th, int tw) {
    int rows = tw >= 64 ? 1 : 64 / tw;
    return rows < th ? rows : th;
}

RTK_INLINE void input_body(const float *x, long imageStride, int images, int h, int w, int pad, int th, int tw, float *v, long stride) {
    int xw = 4 * tw + 2;  // columns -pad ..< xw - pad of the input cover every tile of a row
    int n = w < xw - pad ? w : xw - pad;
    int total = images * th;  // tile rows of all the images, image after image
    int rows = chunk_rows(total, tw), cap = rows * tw;
    float d[6][xw], c[6][xw];
    float g[6][6][cap];  // g[i][k][t]: column-transformed value k of the tile row's i-th row, tile t of the chunk
    for (int ty0 = 0; ty0 < total; ty0 += rows) {
        int nrows = total - ty0 < rows ? total - ty0 : rows;
        for (int r = 0; r < nrows; r++) {
            int ty = (ty0 + r) % th;
            const float *plane = x + (long)((ty0 + r) / th) * imageStride;
            for (int k = 0; k < 6; k++) {
                int row = 4 * ty - pad + k;
                memset(d[k], 0, sizeof(float) * xw);
                if (row >= 0 && row < h && n > 0) memcpy(d[k] + pad, plane + (long)row * w, sizeof(float) * n);
            }
            for (int j = 0; j < xw; j++) bt6(&d[0][j], xw, &c[0][j], xw);
            for (int i = 0; i < 6; i++)
                for (int k = 0; k < 6; k++)
                    for (int tx = 0; tx < tw; tx++) g[i][k][r * tw + tx] = c[i][4 * tx + k];
        }
        // Along the rows of each tile, vectorised over the chunk's tiles (the six outputs are separate matrices).
        int count = nrows * tw;
        for (int i = 0; i < 6; i++) {
            float *out = v + (long)ty0 * tw + 6 * i * stride;
            float *restrict o0 = out, *restrict o1 = out + stride, *restrict o2 = out + 2 * stride;
            float *restrict o3 = out + 3 * stride, *restrict o4 = out + 4 * stride, *restrict o5 = out + 5 * stride;
            const float *g0 = g[i][0], *g1 = g[i][1], *g2 = g[i][2], *g3 = g[i][3], *g4 = g[i][4], *g5 = g[i][5];
            for (int t = 0; t < count; t++) {
                float d0 = g0[t], d1 = g1[t], d2 = g2[t], d3 = g3[t], d4 = g4[t], d5 = g5[t];
                o0[t] = 4 * d0 - 5 * d2 + d4;
                o1[t] = -4 * d1 - 4 * d2 + d3 + d4;
                o2[t] = 4 * d1 - 4 * d2 - d3 + d4;
                o3[t] = -2 * d1 - d2 + 2 * d3 + d4;
                o4[t] = 2 * d1 - d2 - 2 * d3 + d4;
                o5[t] = 4 * d1 - 5 * d3 + d5;
            }
        }
    }
}

RTK_INLINE void input_adjoint_body(const float *dv, long stride, int images, int h, int w, int pad, int th, int tw, float *dx, long imageStride) {
    int xw = 4 * tw + 2;
    int total = images * th;
    int rows = chunk_rows(total, tw), cap = rows * tw;
    float q[6][6][cap];  // q[i][k][t]: B applied along row i of tile t's dV (vectorised over the chunk's tiles)
    float s[6][xw], r[6][xw];
    for (int ty0 = 0; ty0 < total; ty0 += rows) {
        int nrows = total - ty0 < rows ? total - ty0 : rows;
        int count = nrows * tw;
        for (int i = 0; i < 6; i++) {
            const float *in = dv + (long)ty0 * tw + 6 * i * stride;
            const float *v0 = in, *v1 = in + stride, *v2 = in + 2 * stride, *v3 = in + 3 * stride, *v4 = in + 4 * stride;
            const float *v5 = in + 5 * stride;
            float *restrict q0 = q[i][0], *restrict q1 = q[i][1], *restrict q2 = q[i][2];
            float *restrict q3 = q[i][3], *restrict q4 = q[i][4], *restrict q5 = q[i][5];
            for (int t = 0; t < count; t++) {
                float a0 = v0[t], a1 = v1[t], a2 = v2[t], a3 = v3[t], a4 = v4[t], a5 = v5[t];
                q0[t] = 4 * a0;
                q1[t] = -4 * a1 + 4 * a2 - 2 * a3 + 2 * a4 + 4 * a5;
                q2[t] = -5 * a0 - 4 * a1 - 4 * a2 - a3 - a4;
                q3[t] = a1 - a2 + 2 * a3 - 2 * a4 - 5 * a5;
                q4[t] = a0 + a1 + a2 + a3 + a4;
                q5[t] = a5;
            }
        }
        for (int rr = 0; rr < nrows; rr++) {
            int ty = (ty0 + rr) % th;
            float *plane = dx + (long)((ty0 + rr) / th) * imageStride;
            const int base = rr * tw;
            // Tiles overlap by two columns: column 4tx + l gathers tile tx's l and tile tx−1's l + 4.
            for (int i = 0; i < 6; i++) {
                for (int col = 0; col < xw; col++) {
                    int tx = col / 4, l = col % 4;
                    float a = tx < tw ? q[i][l][base + tx] : 0;
                    if (tx > 0 && l < 2) a += q[i][l + 4][base + tx - 1];
                    s[i][col] = a;
                }
            }
            for (int col = 0; col < xw; col++) b6(&s[0][col], xw, &r[0][col], xw);
            for (int k = 0; k < 6; k++) {
                int row = 4 * ty - pad + k;
                if (row < 0 || row >= h) continue;
                float *out = plane + (long)row * w;
                for (int col = pad > 0 ? pad : 0; col < xw && col - pad < w; col++) out[col - pad] += r[k][col];
            }
        }
    }
}

RTK_INLINE void output_body(const float *m, long stride, int images, int oh, int ow, int th, int tw, float bias, float *y, long imageStride) {
    int yw = 4 * tw;
    int total = images * th;
    int rows = chunk_rows(total, tw), cap = rows * tw;
    float q[6][4][cap];  // q[i][j'][t]: Aᵀ applied along row i of tile t's M (vectorised over the chunk's tiles)
    float s[6][yw], r[4][yw];
    for (int ty0 = 0; ty0 < total; ty0 += rows) {
        int nrows = total - ty0 < rows ? total - ty0 : rows;
        int count = nrows * tw;
        for (int i = 0; i < 6; i++) {
            const float *in = m + (long)ty0 * tw + 6 * i * stride;
            const float *m0 = in, *m1 = in + stride, *m2 = in + 2 * stride, *m3 = in + 3 * stride, *m4 = in + 4 * stride;
            const float *m5 = in + 5 * stride;
            float *restrict q0 = q[i][0], *restrict q1 = q[i][1], *restrict q2 = q[i][2], *restrict q3 = q[i][3];
            for (int t = 0; t < count; t++) {
                float a0 = m0[t], a1 = m1[t], a2 = m2[t], a3 = m3[t], a4 = m4[t], a5 = m5[t];
                q0[t] = a0 + a1 + a2 + a3 + a4;
                q1[t] = a1 - a2 + 2 * a3 - 2 * a4;
                q2[t] = a1 + a2 + 4 * a3 + 4 * a4;
                q3[t] = a1 - a2 + 8 * a3 - 8 * a4 + a5;
            }
        }
        for (int rr = 0; rr < nrows; rr++) {
            int ty = (ty0 + rr) % th;
            float *plane = y + (long)((ty0 + rr) / th) * imageStride;
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 4; j++)
                    for (int tx = 0; tx < tw; tx++) s[i][4 * tx + j] = q[i][j][rr * tw + tx];
            for (int col = 0; col < yw; col++) at4(&s[0][col], yw, &r[0][col], yw);
            for (int k = 0; k < 4; k++) {
                int row = 4 * ty + k;
                if (row >= oh) break;
                float *out = plane + (long)row * ow;
                for (int col = 0; col < ow; col++) out[col] = r[k][col] + bias;
            }
        }
    }
}

RTK_INLINE void output_adjoint_body(const float *dy, long imageStride, int images, int oh, int ow, int th, int tw, float *dm, long stride) {
    int yw = 4 * tw;
    int total = images * th;
    int rows = chunk_rows(total, tw), cap = rows * tw;
    float d[4][yw], a[6][yw];
    float g[6][4][cap];  // g[i][j'][t]: column-transformed value j' of the tile row's i-th row, tile t of the chunk
    for (int ty0 = 0; ty0 < total; ty0 += rows) {
        int nrows = total - ty0 < rows ? total - ty0 : rows;
        for (int rr = 0; rr < nrows; rr++) {
            int ty = (ty0 + rr) % th;
            const float *plane = dy + (long)((ty0 + rr) / th) * imageStride;
            for (int k = 0; k < 4; k++) {
                int row = 4 * ty + k;
                memset(d[k], 0, sizeof(float) * yw);
                if (row < oh) memcpy(d[k], plane + (long)row * ow, sizeof(float) * ow);
            }
            for (int col = 0; col < yw; col++) a6(&d[0][col], yw, &a[0][col], yw);
            for (int i = 0; i < 6; i++)
                for (int j = 0; j < 4; j++)
                    for (int tx = 0; tx < tw; tx++) g[i][j][rr * tw + tx] = a[i][4 * tx + j];
        }
        int count = nrows * tw;
        for (int i = 0; i < 6; i++) {
            float *out = dm + (long)ty0 * tw + 6 * i * stride;
            float *restrict o0 = out, *restrict o1 = out + stride, *restrict o2 = out + 2 * stride;
            float *restrict o3 = out + 3 * stride, *restrict o4 = out + 4 * stride, *restrict o5 = out + 5 * stride;
            const float *g0 = g[i][0], *g1 = g[i][1], *g2 = g[i][2], *g3 = g[i][3];
            for (int t = 0; t < count; t++) {
                float y0 = g0[t], y1 = g1[t], y2 = g2[t], y3 = g3[t];
                o0[t] = y0;
                o1[t] = y0 + y1 + y2 + y3;
                o2[t] = y0 - y1 + y2 - y3;
                o3[t] = y0 + 2 * y1 + 4 * y2 + 8 * y3;
                o4[t] = y0 - 2 * y1 + 4 * y2 - 8 * y3;
                o5[t] = y3;
            }
        }
    }
}

// One build of each body per instruction set (dispatch.h), the best the CPU has chosen once.
#define RTK_VARIANTS(suffix, attr)                                                                                         \
    attr static void weights_##suffix(const float *w, int o, int c, float *u) { weights_body(w, o, c, u); }                \
    attr static void weights_adjoint_##suffix(const float *du, int o, int c, float *dw) { weights_adjoint_body(du, o, c, dw); } \
    attr static void input_##suffix(const float *x, long xs, int n, int h, int w, int p, int th, int tw, float *v, long s) {  \
        input_body(x, xs, n, h, w, p, th, tw, v, s);                                                                       \
    }                                                                                                                      \
    attr static void input_adjoint_##suffix(const float *dv, long s, int n, int h, int w, int p, int th, int tw, float *dx,   \
                                            long xs) {                                                                     \
        input_adjoint_body(dv, s, n, h, w, p, th, tw, dx, xs);                                                             \
    }                                                                                                                      \
    attr static void output_##suffix(const float *m, long s, int n, int oh, int ow, int th, int tw, float b, float *y,        \
                                     long ys) {                                                                            \
        output_body(m, s, n, oh, ow, th, tw, b, y, ys);                                                                    \
    }                                                                                                                      \
    attr static void output_adjoint_##suffix(const float *dy, long ys, int n, int oh, int ow, int th, int tw, float *dm,      \
                                             long s) {                                                                     \
        output_adjoint_body(dy, ys, n, oh, ow, th, tw, dm, s);                                                             \
    }

RTK_BUILDS(RTK_VARIANTS)

void rtk_winograd_weights(const float *weight, int outputs, int inputs, float *u) { RTK_DISPATCH(weights, weight, outputs, inputs, u); }

void rtk_winograd_weights_adjoint(const float *du, int outputs, int inputs, float *gradWeight) {
    RTK_DISPATCH(weights_adjoint, du, outputs, inputs, gradWeight);
}

void rtk_winograd_input(const float *x, long imageStride, int images, int height, int width, int pad, int tilesH, int tilesW, float *v,
                        long stride) {
    RTK_DISPATCH(input, x, imageStride, images, height, width, pad, tilesH, tilesW, v, stride);
}

void rtk_winograd_input_adjoint(const float *dv, long stride, int images, int height, int width, int pad, int tilesH, int tilesW,
                                float *gradX, long imageStride) {
    RTK_DISPATCH(input_adjoint, dv, stride, images, height, width, pad, tilesH, tilesW, gradX, imageStride);
}

void rtk_winograd_output(const float *m, long stride, int images, int outHeight, int outWidth, int tilesH, int tilesW, float bias, float *y,
                         long imageStride) {
    RTK_DISPATCH(output, m, stride, images, outHeight, outWidth, tilesH, tilesW, bias, y, imageStride);
}

void rtk_winograd_output_adjoint(const float *gradY, long imageStride, int images, int outHeight, int outWidth, int tilesH, int tilesW,
                                 float *dm, long stride) {
    RTK_DISPATCH(output_adjoint, gradY, imageStride, images, outHeight, outWidth, tilesH, tilesW, dm, stride);
}
