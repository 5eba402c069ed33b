package io.convnb.ops;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradients of thin FLOAT convolutions (at most {@link Conv2DOps#DIRECT_MAX_CHANNELS} input channels,
 * one group, stride 1, any padding and dilation) in plain Java: the backward path for such layers, the
 * first layer of an MNIST network, on a JVM without the Vector API, where {@link DirectConvFloat} cannot
 * run. There im2col + GEMM spent 7-12 ms a step on (64,28,28,1) with 32 3x3 filters, against 1.4 ms for
 * the direct kernels: GEMMs with 9 columns, a patch matrix and a separate ReLU-mask pass.
 *
 * <p>Java 17's C2 compiles a loop into SIMD instructions only when all its arrays are indexed by the
 * same expression (it cannot rule out that one array is another at a different offset). So every loop
 * here runs over the output cells {@code m} of one image, on per-image <em>planes</em> indexed by m
 * alone: for tap {@code t = (i, j)} and input channel ch, {@code X[t,ch][m]} is the input cell that
 * output cell m reads through that tap (one row copy per output row), and {@code DZ[f][m]} is the
 * output gradient of filter f, masked by {@code y > 0} for a fused ReLU, transposed from NHWC as it is
 * loaded. Then
 * <pre>
 *   dW[t,ch,f] = sum_m X[t,ch][m] * DZ[f][m]     per-cell partial sums A[t,ch,f][m] += X[t,ch][m] * DZ[f][m],
 *                                                added up over m at the end of each chunk of images
 *   dBias[f]   = sum_m DZ[f][m]                  likewise, in B[f][m]
 *   V[m]       = sum_f W[t,ch,f] * DZ[f][m]      per tap and channel; dx gets V[m] at the input cell
 *                                                that output cell m reads through that tap
 * </pre>
 * The partial sums of one chunk stay in the core's second-level cache while it goes through its images
 * ({@link #MAX_PARTIALS}). Chunks ({@link ImageParts}) keep their own sums, added in chunk order, so
 * results repeat exactly whichever thread ran which chunk. The arithmetic is float with fused
 * multiply-adds; the order of the sums is not that of DirectConvFloat, so the two paths agree to float
 * rounding, not bit for bit.
 *
 * <p>Measured through the public layer in a training-step workspace on a 2-vCPU AMD EPYC, plain JVM:
 * (64,28,28,1) x32 3x3 with ReLU, backward 2.9-3.0 ms against 11-12 ms for im2col + GEMM.
 */
final class PlanarConvFloat {
    /** Per-cell partial sums ({@code kh*kw*C*F + F} planes of one image's output cells) a thread may keep, in floats (1 MiB). */
    static final long MAX_PARTIALS = 1L << 18;

    private PlanarConvFloat() {
    }

    /** Whether this path can compute the gradients of a call of this geometry and type. */
    static boolean applies(ConvGeometry g, DataType type) {
        long cells = (long) g.oh() * g.ow();
        return type == DataType.FLOAT && g.groups() == 1 && g.sh() == 1 && g.sw() == 1
                && g.c() <= Conv2DOps.DIRECT_MAX_CHANNELS
                && ((long) g.k() * g.f() + g.f()) * cells <= MAX_PARTIALS
                && (long) g.n() * g.h() * g.w() * g.c() <= Integer.MAX_VALUE
                && (long) g.n() * cells * g.f() <= Integer.MAX_VALUE;
    }

    /**
     * Gradients of the convolution {@code y = conv(x, kernel) + bias} (or of {@code relu} of it, when
     * {@code reluOutputOrNull} is the rectified output): dx only when {@code needInput}, the bias
     * gradient only when {@code hasBias}; the others are null.
     */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, INDArray reluOutputOrNull, ConvGeometry g,
                                  boolean needInput, boolean hasBias) {
        final int c = g.c(), f = g.f(), taps = g.kh() * g.kw(), tc = taps * c;
        final int cells = g.cellsPerImage(), hp = (int) g.paddedHeight(), wp = (int) g.paddedWidth();
        final int inPerImage = g.h() * g.w() * c, outPerImage = cells * f;
        float[] w = OpChecks.plain(kernel).reshape('c', new long[] {kernel.length()}).toFloatVector();   // (kh, kw, C, F): row t*C + ch
        INDArray xPlain = OpChecks.plain(x), dyPlain = OpChecks.plain(dy);
        INDArray yPlain = reluOutputOrNull == null ? null : OpChecks.plain(reluOutputOrNull);
        FloatBuffer xb = xPlain.data().asNioFloat();
        IntBuffer dyb = bits(dyPlain), yb = yPlain == null ? null : bits(yPlain);
        int xOff = Math.toIntExact(xPlain.offset()), dyOff = Math.toIntExact(dyPlain.offset());
        int yOff = yPlain == null ? 0 : Math.toIntExact(yPlain.offset());
        INDArray dx = needInput ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.h(), g.w(), c}, 'c') : null;
        FloatBuffer dxb = needInput ? dx.data().asNioFloat() : null;
        int dxOff = needInput ? Math.toIntExact(dx.offset()) : 0;
        int chunks = ImageParts.count(g.n());
        float[][] dwParts = new float[chunks][tc * f];
        float[][] dbParts = new float[chunks][hasBias ? f : 0];
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch s = Scratch.get();
                float[][] xPlanes = s.planes("planar.x", tc, cells);        // X[t*C + ch]
                float[][] dz = s.planes("planar.dz", f, cells);             // DZ[f]
                float[][] partials = s.planes("planar.sums", tc * f + f, cells);   // A[(t*C + ch)*F + f], then B[f]
                float[][] padded = s.planes("planar.padded", c, hp * wp);   // zero-bordered input (or dx) planes
                float[] image = s.floats("planar.image", inPerImage);
                // dy and y as raw float bits, so that the ReLU mask is an int loop C2 vectorises
                int[] dyTile = s.ints("planar.dy", outPerImage);
                int[] yTile = yb == null ? null : s.ints("planar.y", outPerImage);
                for (int i = 0; i < tc * f + f; i++) {
                    Arrays.fill(partials[i], 0, cells, 0f);
                }
                for (int n = first; n < first + count; n++) {
                    dyb.get(dyOff + n * outPerImage, dyTile, 0, outPerImage);
                    if (yb != null) {
                        yb.get(yOff + n * outPerImage, yTile, 0, outPerImage);
                        maskByPositive(dyTile, yTile, outPerImage);
                    }
                    transpose(dyTile, dz, cells, f);
                    xb.get(xOff + n * inPerImage, image, 0, inPerImage);
                    loadPlanes(image, padded, g, hp, wp);
                    tapPlanes(padded, xPlanes, g, wp);
                    accumulate(xPlanes, dz, partials, tc, f, cells, hasBias);
                    if (needInput) {
                        inputGradient(dz, w, g, hp, wp, padded, s.floats("planar.v", cells), image);
                        dxb.put(dxOff + n * inPerImage, image, 0, inPerImage);
                    }
                }
                for (int i = 0; i < tc * f; i++) {
                    dwParts[chunk][i] = sum(partials[i], cells);
                }
                for (int i = 0; hasBias && i < f; i++) {
                    dbParts[chunk][i] = sum(partials[tc * f + i], cells);
                }
            });
        } finally {
            KeepAlive.fence(xPlain, dyPlain, yPlain, dx);
        }
        INDArray dKernel = Nd4j.createFromArray(PaddedRows.sumParts(dwParts)).reshape('c', g.kh(), g.kw(), c, f);
        INDArray db = hasBias ? Nd4j.createFromArray(PaddedRows.sumParts(dbParts)) : null;
        return new ConvGradients(dx, dKernel, db);
    }

    /** The tensor's buffer as raw float bits. */
    private static IntBuffer bits(INDArray plain) {
        return plain.data().asNio().order(ByteOrder.nativeOrder()).asIntBuffer();
    }

    /**
     * {@code dy[i] = y[i] > 0 ? dy[i] : +0} on raw float bits: the ReLU mask, in one loop C2 vectorises.
     * A float y is {@code > 0} (a positive number or +infinity) exactly when its bits, as a signed int,
     * lie in [1, 0x7F800000], that is when both {@code -bits} and {@code bits - 0x7F800001} are
     * negative; the sign of their AND, spread by {@code >> 31}, is the mask. Zeros, negatives and NaN give
     * +0 as the comparison does. A branch per cell instead (half the cells of a ReLU layer are positive,
     * in no predictable order) cost 4.5 ms a step on (64,26,26,32), the same mask on float bits in the
     * transposition 1.2 ms, this loop 0.4 ms.
     */
    static void maskByPositive(int[] dy, int[] y, int len) {
        for (int i = 0; i < len; i++) {
            int b = y[i];
            dy[i] &= (-b & (b - 0x7F800001)) >> 31;
        }
    }

    /**
     * {@code dz[l][m] = dy[m*F + l]} (dy as raw float bits), in blocks of {@link #TRANSPOSE_BLOCK} cells
     * whose rows of dy stay in the first-level cache while each plane gets its run of the block.
     */
    private static void transpose(int[] dy, float[][] dz, int cells, int f) {
        for (int m0 = 0; m0 < cells; m0 += TRANSPOSE_BLOCK) {
            int end = Math.min(cells, m0 + TRANSPOSE_BLOCK);
            for (int l = 0; l < f; l++) {
                float[] d = dz[l];
                for (int m = m0, at = m0 * f + l; m < end; m++, at += f) {
                    d[m] = Float.intBitsToFloat(dy[at]);
                }
            }
        }
    }

    private static final int TRANSPOSE_BLOCK = 16;

    /** The NHWC image into zero-bordered planes, one per channel, the input at (pt, pl); cells no window reads left out. */
    private static void loadPlanes(float[] image, float[][] planes, ConvGeometry g, int hp, int wp) {
        int c = g.c();
        for (int ch = 0; ch < c; ch++) {
            Arrays.fill(planes[ch], 0, hp * wp, 0f);
        }
        int cols = Math.min(g.w(), wp - g.pl());
        for (int ih = 0; ih < g.h() && ih + g.pt() < hp; ih++) {
            int rowAt = (ih + g.pt()) * wp + g.pl(), from = ih * g.w() * c;
            if (c == 1) {
                System.arraycopy(image, from, planes[0], rowAt, Math.max(0, cols));
                continue;
            }
            for (int iw = 0; iw < cols; iw++) {
                for (int ch = 0; ch < c; ch++) {
                    planes[ch][rowAt + iw] = image[from + iw * c + ch];
                }
            }
        }
    }

    /** {@code x[t*C + ch][oh*OW + ow] = padded[ch][(oh + i*dh)*wp + ow + j*dw]} for tap t = (i, j). */
    private static void tapPlanes(float[][] padded, float[][] x, ConvGeometry g, int wp) {
        int ow = g.ow();
        for (int i = 0, t = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++, t++) {
                for (int ch = 0; ch < g.c(); ch++) {
                    float[] src = padded[ch], dst = x[t * g.c() + ch];
                    for (int oh = 0; oh < g.oh(); oh++) {
                        System.arraycopy(src, (oh + i * g.dh()) * wp + j * g.dw(), dst, oh * ow, ow);
                    }
                }
            }
        }
    }

    /** {@code A[q*F + l][m] += X[q][m] * DZ[l][m]} and {@code B[l][m] += DZ[l][m]}: one SIMD loop per plane pair. */
    private static void accumulate(float[][] x, float[][] dz, float[][] partials, int tc, int f, int cells,
                                   boolean hasBias) {
        for (int l = 0; l < f; l++) {
            float[] d = dz[l];
            for (int q = 0; q < tc; q++) {
                fmaPlanes(x[q], d, partials[q * f + l], cells);
            }
            if (hasBias) {
                float[] b = partials[tc * f + l];
                for (int m = 0; m < cells; m++) {
                    b[m] += d[m];
                }
            }
        }
    }

    private static void fmaPlanes(float[] a, float[] b, float[] acc, int cells) {
        for (int m = 0; m < cells; m++) {
            acc[m] = Math.fma(a[m], b[m], acc[m]);
        }
    }

    /**
     * dx of one image into {@code out} (NHWC): per tap and channel, {@code V = sum_f W[t,ch,f] * DZ[f]}
     * over the output cells (in {@code v}), added into a zero-bordered dx plane ({@code dxp}) at the cells
     * that tap reads; then the planes' inside, interleaved back into channels. Input cells that no window
     * reads get zero.
     */
    private static void inputGradient(float[][] dz, float[] w, ConvGeometry g, int hp, int wp, float[][] dxp, float[] v,
                                      float[] out) {
        int c = g.c(), f = g.f(), ow = g.ow(), cells = g.cellsPerImage();
        for (int ch = 0; ch < c; ch++) {
            Arrays.fill(dxp[ch], 0, hp * wp, 0f);
        }
        for (int i = 0, t = 0; i < g.kh(); i++) {
            for (int j = 0; j < g.kw(); j++, t++) {
                for (int ch = 0; ch < c; ch++) {
                    int q = t * c + ch;
                    Arrays.fill(v, 0, cells, 0f);
                    for (int l = 0; l < f; l++) {
                        float wq = w[q * f + l];
                        float[] d = dz[l];
                        for (int m = 0; m < cells; m++) {
                            v[m] = Math.fma(wq, d[m], v[m]);
                        }
                    }
                    float[] plane = dxp[ch];
                    for (int oh = 0; oh < g.oh(); oh++) {
                        int at = (oh + i * g.dh()) * wp + j * g.dw(), from = oh * ow;
                        for (int k = 0; k < ow; k++) {
                            plane[at + k] += v[from + k];
                        }
                    }
                }
            }
        }
        for (int ih = 0; ih < g.h(); ih++) {
            int ph = ih + g.pt();
            for (int iw = 0; iw < g.w(); iw++) {
                int pw = iw + g.pl(), o = (ih * g.w() + iw) * c;
                boolean read = ph < hp && pw < wp;
                for (int ch = 0; ch < c; ch++) {
                    out[o + ch] = read ? dxp[ch][ph * wp + pw] : 0f;
                }
            }
        }
    }

    /** {@code a[0] + ... + a[len-1]} with eight interleaved partial sums, so the additions do not wait on each other. */
    private static float sum(float[] a, int len) {
        float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
        int m = 0;
        for (; m + 8 <= len; m += 8) {
            s0 += a[m];
            s1 += a[m + 1];
            s2 += a[m + 2];
            s3 += a[m + 3];
            s4 += a[m + 4];
            s5 += a[m + 5];
            s6 += a[m + 6];
            s7 += a[m + 7];
        }
        for (; m < len; m++) {
            s0 += a[m];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }
}
