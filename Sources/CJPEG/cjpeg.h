// libjpeg (libjpeg-turbo's libjpeg API, Debian libjpeg62-turbo-dev): used by CJPEGRegion for
// region-of-interest decoding (jpeg_crop_scanline, jpeg_skip_scanlines), which TurboJPEG 2.1 lacks.
#include <stddef.h>
#include <stdio.h>
#include <jpeglib.h>
