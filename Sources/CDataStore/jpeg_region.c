// Region-of-interest JPEG decoding (see include/jpeg_region.h).
#include "jpeg_region.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

// No fused multiply-add contraction (the old -ffp-contract=off): results stay bit-identical to the
// Swift reference paths.
#pragma STDC FP_CONTRACT OFF

struct rtj_decoder {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr err;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void rtj_error_exit(j_common_ptr c) {
    rtj_decoder *d = (rtj_decoder *)c->client_data;
    (*c->err->format_message)(c, d->message);
    longjmp(d->jump, 1);
}

// Warnings (corrupt or truncated data) are errors, as with TurboJPEG's TJFLAG_STOPONWARNING.
static void rtj_emit_message(j_common_ptr c, int level) {
    if (level < 0) rtj_error_exit(c);
}

rtj_decoder *rtj_create(void) {
    rtj_decoder *d = (rtj_decoder *)calloc(1, sizeof(rtj_decoder));
    if (d == NULL) return NULL;
    d->cinfo.err = jpeg_std_error(&d->err);
    d->err.error_exit = rtj_error_exit;
    d->err.emit_message = rtj_emit_message;
    d->cinfo.client_data = d;
    if (setjmp(d->jump)) {
        free(d);
        return NULL;
    }
    jpeg_create_decompress(&d->cinfo);
    return d;
}

void rtj_destroy(rtj_decoder *d) {
    if (d == NULL) return;
    jpeg_destroy_decompress(&d->cinfo);
    free(d);
}

const char *rtj_message(const rtj_decoder *d) { return d->message; }

static int rtj_fail(rtj_decoder *d, const char *message) {
    snprintf(d->message, sizeof d->message, "%s", message);
    jpeg_abort_decompress(&d->cinfo);
    return -1;
}

int rtj_decode_region(rtj_decoder *d, const unsigned char *data, size_t size, int scale_denom, int fast_dct,
                      int fast_upsample, int channels, int top, int left, int rows, int cols,
                      unsigned char *dst, size_t capacity, rtj_region *out) {
    struct jpeg_decompress_struct *ci = &d->cinfo;
    d->message[0] = 0;
    if (data == NULL || size < 4) return rtj_fail(d, "JPEG data too short");
    if (setjmp(d->jump)) {
        jpeg_abort_decompress(ci);
        return -1;
    }
    jpeg_mem_src(ci, data, (unsigned long)size);
    jpeg_read_header(ci, TRUE);
    ci->scale_num = 1;
    ci->scale_denom = (unsigned int)scale_denom;
    ci->dct_method = fast_dct ? JDCT_IFAST : JDCT_ISLOW;
    ci->do_fancy_upsampling = fast_upsample ? FALSE : TRUE;
    ci->out_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_EXT_RGB;
    jpeg_start_decompress(ci);
    if (ci->output_components != channels) return rtj_fail(d, "JPEG decodes to an unexpected number of channels");
    int width = (int)ci->output_width, height = (int)ci->output_height;
    if (top < 0) { rows += top; top = 0; }
    if (left < 0) { cols += left; left = 0; }
    if (top + rows > height) rows = height - top;
    if (left + cols > width) cols = width - left;
    if (rows <= 0 || cols <= 0) return rtj_fail(d, "empty JPEG region");
    // Start at an iMCU row boundary: skipping only whole iMCU rows keeps jpeg_skip_scanlines off its
    // partial-row paths (with skips to mid-iMCU rows and fast, merged upsampling a stress test saw
    // rare rows differing from the full decode); the few extra rows are ignored by the caller.
    int imcu = ci->max_v_samp_factor * ci->min_DCT_scaled_size;
    if (imcu > 1 && top % imcu != 0) { rows += top % imcu; top -= top % imcu; }
    JDIMENSION xoff = (JDIMENSION)left, w = (JDIMENSION)cols;
    if (left > 0 || cols < width) jpeg_crop_scanline(ci, &xoff, &w);
    size_t stride = (size_t)w * (size_t)channels;
    if ((size_t)rows * stride > capacity) return rtj_fail(d, "JPEG region buffer too small");
    if (top > 0 && jpeg_skip_scanlines(ci, (JDIMENSION)top) != (JDIMENSION)top) return rtj_fail(d, "JPEG: cannot skip to the region");
    JSAMPROW lines[16];
    while (ci->output_scanline < (JDIMENSION)(top + rows)) {
        int at = (int)ci->output_scanline - top, n = top + rows - (int)ci->output_scanline;
        if (n > 16) n = 16;
        for (int k = 0; k < n; k++) lines[k] = dst + (size_t)(at + k) * stride;
        if (jpeg_read_scanlines(ci, lines, (JDIMENSION)n) == 0) return rtj_fail(d, "JPEG: no scanlines");
    }
    // The rows below the region are never decoded: stop here (no jpeg_finish_decompress).
    jpeg_abort_decompress(ci);
    out->width = width;
    out->height = height;
    out->top = top;
    out->left = (int)xoff;
    out->rows = rows;
    out->cols = (int)w;
    return 0;
}
