package io.convnb.ops;

import java.nio.FloatBuffer;

/**
 * The patch matrix ("im2col") of NHWC float images and its adjoint scatter ("col2im").
 *
 * <p>Row r of the patch matrix is output cell r (image-major, then oh, then ow); column
 * {@code (i*kw + j)*cg + ch} holds input channel {@code group*cg + ch} at row
 * {@code oh*sh - pt + i*dh} and column {@code ow*sw - pl + j*dw}, or zero where that lies in the
 * padding. That column order equals the Keras kernel (kh, kw, cg, f) reshaped to (K, f), so one
 * GEMM gives NHWC output directly. {@code Im2ColDouble} is the same code for doubles.
 */
final class Im2ColFloat {
    /** Runs shorter than this are copied element by element: a bulk put costs more than it saves. */
    private static final int SHORT_RUN = 16;

    private Im2ColFloat() {
    }

    /** Writes the patch rows of images [n0, n0+count) into {@code cols}, starting at index {@code dst}. */
    static void im2col(float[] x, int n0, int count, ConvGeometry g, int group, FloatBuffer cols, int dst) {
        final int h = g.h(), w = g.w(), c = g.c(), cg = g.cg(), cOff = group * cg;
        final int kh = g.kh(), kw = g.kw(), dh = g.dh(), dw = g.dw();
        // With one group and no width dilation, a kernel row of a window is kw*c contiguous floats.
        final boolean rowsContiguous = g.groups() == 1 && dw == 1;
        final float[] zeros = new float[kw * cg];
        for (int n = n0; n < n0 + count; n++) {
            final int imageBase = n * h * w * c;
            for (int oh = 0; oh < g.oh(); oh++) {
                final int ih0 = oh * g.sh() - g.pt();
                for (int ow = 0; ow < g.ow(); ow++) {
                    final int iw0 = ow * g.sw() - g.pl();
                    for (int i = 0; i < kh; i++) {
                        final int ih = ih0 + i * dh;
                        if (ih < 0 || ih >= h) {
                            put(cols, dst, zeros, 0, kw * cg);
                            dst += kw * cg;
                            continue;
                        }
                        final int rowBase = imageBase + ih * w * c;
                        if (rowsContiguous && iw0 >= 0 && iw0 + kw <= w) {
                            put(cols, dst, x, rowBase + iw0 * c, kw * c);
                            dst += kw * c;
                            continue;
                        }
                        for (int j = 0; j < kw; j++) {
                            final int iw = iw0 + j * dw;
                            if (iw < 0 || iw >= w) {
                                put(cols, dst, zeros, 0, cg);
                            } else {
                                put(cols, dst, x, rowBase + iw * c + cOff, cg);
                            }
                            dst += cg;
                        }
                    }
                }
            }
        }
    }

    /**
     * Adds the patch-matrix gradient rows of images [n0, n0+count), which start at index {@code from}
     * of {@code dcols}, back onto the input cells they were read from: {@code dx[cell] += dcols[row][col]}
     * for every (row, col) that im2col filled from that cell. {@code scratch} must hold
     * from + count*oh*ow*K floats; only images [n0, n0+count) of dx are touched.
     */
    static void col2imAdd(FloatBuffer dcols, int from, float[] scratch, int n0, int count, ConvGeometry g, int group,
                          float[] dx) {
        final int rows = count * g.cellsPerImage(), kk = g.k();
        dcols.get(from, scratch, from, rows * kk);
        final int h = g.h(), w = g.w(), c = g.c(), cg = g.cg(), cOff = group * cg;
        final int kh = g.kh(), kw = g.kw(), dh = g.dh(), dw = g.dw();
        final boolean rowsContiguous = g.groups() == 1 && dw == 1;
        int src = from;
        for (int n = n0; n < n0 + count; n++) {
            final int imageBase = n * h * w * c;
            for (int oh = 0; oh < g.oh(); oh++) {
                final int ih0 = oh * g.sh() - g.pt();
                for (int ow = 0; ow < g.ow(); ow++) {
                    final int iw0 = ow * g.sw() - g.pl();
                    for (int i = 0; i < kh; i++) {
                        final int ih = ih0 + i * dh;
                        if (ih < 0 || ih >= h) {
                            src += kw * cg;
                            continue;
                        }
                        final int rowBase = imageBase + ih * w * c;
                        if (rowsContiguous && iw0 >= 0 && iw0 + kw <= w) {
                            addRun(dx, rowBase + iw0 * c, scratch, src, kw * c);
                            src += kw * c;
                            continue;
                        }
                        for (int j = 0; j < kw; j++) {
                            final int iw = iw0 + j * dw;
                            if (iw >= 0 && iw < w) {
                                addRun(dx, rowBase + iw * c + cOff, scratch, src, cg);
                            }
                            src += cg;
                        }
                    }
                }
            }
        }
    }

    private static void put(FloatBuffer dst, int at, float[] src, int from, int len) {
        if (len < SHORT_RUN) {
            for (int t = 0; t < len; t++) {
                dst.put(at + t, src[from + t]);
            }
        } else {
            dst.put(at, src, from, len);
        }
    }

    private static void addRun(float[] dst, int at, float[] src, int from, int len) {
        for (int t = 0; t < len; t++) {
            dst[at + t] += src[from + t];
        }
    }
}
