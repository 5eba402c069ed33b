package io.convnb.ops;

/**
 * Fully resolved sizes of one convolution call: input (n, h, w, c), output grid (oh, ow) with f
 * channels, kernel taps, strides, dilations, leading pads and groups. The trailing pads are not
 * needed once (oh, ow) are fixed: a window cell outside the input simply reads zero.
 */
record ConvGeometry(int n, int h, int w, int c, int oh, int ow, int f,
                    int kh, int kw, int sh, int sw, int dh, int dw, int pt, int pl, int groups) {

    /** Input channels per group. */
    int cg() {
        return c / groups;
    }

    /** Output channels per group. */
    int fg() {
        return f / groups;
    }

    /** Columns of the patch matrix: one per kernel tap and channel of a group, kh*kw*c/groups. */
    int k() {
        return kh * kw * cg();
    }

    /** Output cells of one image, oh*ow: the rows of one image's patch matrix. */
    int cellsPerImage() {
        return oh * ow;
    }

    /**
     * Rows of the zero-bordered input the windows read, (oh-1)*sh + (kh-1)*dh + 1: the input at row pt,
     * zeros around it, rows no window reaches left out. In long so that a caller can reject a geometry
     * before an int product overflows.
     */
    long paddedHeight() {
        return (oh - 1L) * sh + (kh - 1L) * dh + 1;
    }

    /** Columns of the zero-bordered input the windows read, (ow-1)*sw + (kw-1)*dw + 1. */
    long paddedWidth() {
        return (ow - 1L) * sw + (kw - 1L) * dw + 1;
    }

    /** Multiply-adds of the forward pass times two: 2*n*oh*ow*f*kh*kw*c/groups. */
    double forwardFlops() {
        return 2.0 * n * oh * ow * (double) f * kh * kw * cg();
    }
}
