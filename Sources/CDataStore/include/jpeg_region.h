// Region-of-interest JPEG decoding through libjpeg's API, for Retort's DataStore.
// libjpeg reports errors by calling error_exit, which must not return; Swift cannot longjmp, so
// this small C layer owns the setjmp/longjmp and turns every libjpeg error (and every warning,
// like TurboJPEG's TJFLAG_STOPONWARNING) into a return code and a message.
#ifndef RETORT_JPEG_REGION_H
#define RETORT_JPEG_REGION_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A reusable decompressor (one per thread).
typedef struct rtj_decoder rtj_decoder;

/// The region a call decoded, in output pixels of the (DCT-scaled) image.
typedef struct rtj_region {
    int width;      ///< output width of the whole image
    int height;     ///< output height of the whole image
    int top;        ///< first decoded row (the request aligned down to an iMCU row boundary)
    int left;       ///< first decoded column (the request aligned down to an iMCU boundary)
    int rows;       ///< decoded rows
    int cols;       ///< decoded columns (the request widened to iMCU boundaries); the row stride is cols * channels
} rtj_region;

/// A new decoder, or NULL when out of memory.
rtj_decoder *rtj_create(void);
/// Frees a decoder (NULL is ignored).
void rtj_destroy(rtj_decoder *d);
/// The message of the last failed call.
const char *rtj_message(const rtj_decoder *d);

/// Decodes at least rows [top, top + rows) and columns [left, left + cols) of the JPEG `data`
/// scaled by 1/`scale_denom` (1, 2, 4 or 8) into `dst` (`capacity` bytes, HWC, `channels` 1 or 3),
/// with the integer fast DCT when `fast_dct` and nearest-neighbour chroma upsampling when
/// `fast_upsample` (TurboJPEG's TJFLAG_FASTDCT / TJFLAG_FASTUPSAMPLE). The request is clipped to the
/// image. Rows above the region are skipped (entropy-decoded only), rows below it are not read.
/// Returns 0 and fills `out`, or -1 (see `rtj_message`): corrupt data, warnings, a colour-space
/// mismatch or a too small `dst`.
int rtj_decode_region(rtj_decoder *d, const unsigned char *data, size_t size, int scale_denom, int fast_dct,
                      int fast_upsample, int channels, int top, int left, int rows, int cols,
                      unsigned char *dst, size_t capacity, rtj_region *out);

#ifdef __cplusplus
}
#endif

#endif
