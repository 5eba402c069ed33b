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
    /** Runs shorter than this are copied element by element: a call to arraycopy costs more than it saves. */
    private static final int SHORT_RUN = 16;

    private Im2ColFloat() {
    }

    /**
     * Writes the patch rows of images [n0, n0+count) into {@code cols}, starting at index {@code dst}. Each
     * row of windows (one output row, {@code ow*K} floats) is assembled in a Java array and written with
     * one bulk put: writing each kernel row straight into the native buffer cost a bounds-checked call
     * per few floats (per float for a 3-wide single-channel kernel), which made im2col of the tutorial
     * layer take 4 ms for 1.8 MB.
     */
    static void im2col(float[] x, int n0, int count, ConvGeometry g, int group, FloatBuffer cols, int dst) {
        final int h = g.h(), w = g.w(), c = g.c(), cg = g.cg(), cOff = group * cg;
        final int kh = g.kh(), kw = g.kw(), dh = g.dh(), dw = g.dw();
        // With one group and no width dilation, a kernel row of a window is kw*c contiguous floats.
        final boolean rowsContiguous = g.groups() == 1 && dw == 1;
        final int rowLen = g.ow() * g.k();
        final float[] row = Scratch.get().floats("im2col.row", rowLen);
        for (int n = n0; n < n0 + count; n++) {
            final int imageBase = n * h * w * c;
            for (int oh = 0; oh < g.oh(); oh++) {
                final int ih0 = oh * g.sh() - g.pt();
                int p = 0;
                for (int ow = 0; ow < g.ow(); ow++) {
                    final int iw0 = ow * g.sw() - g.pl();
                    for (int i = 0; i < kh; i++) {
                        final int ih = ih0 + i * dh;
                        if (ih < 0 || ih >= h) {
                            java.util.Arrays.fill(row, p, p + kw * cg, 0f);
                            p += kw * cg;
                            continue;
                        }
                        final int rowBase = imageBase + ih * w * c;
                        if (rowsContiguous && iw0 >= 0 && iw0 + kw <= w) {
                            copy(x, rowBase + iw0 * c, row, p, kw * c);
                            p += kw * c;
                            continue;
                        }
                        for (int j = 0; j < kw; j++) {
                            final int iw = iw0 + j * dw;
                            if (iw < 0 || iw >= w) {
                                java.util.Arrays.fill(row, p, p + cg, 0f);
                            } else {
                                copy(x, rowBase + iw * c + cOff, row, p, cg);
                            }
                            p += cg;
                        }
                    }
                }
                cols.put(dst, row, 0, rowLen);
                dst += rowLen;
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

    private static void copy(float[] src, int from, float[] dst, int at, int len) {
        if (len < SHORT_RUN) {
            for (int t = 0; t < len; t++) {
                dst[at + t] = src[from + t];
            }
        } else {
            System.arraycopy(src, from, dst, at, len);
        }
    }

    private static void addRun(float[] dst, int at, float[] src, int from, int len) {
        for (int t = 0; t < len; t++) {
            dst[at + t] += src[from + t];
        }
    }
}
