package io.convnb.ops;

import java.nio.FloatBuffer;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Depthwise and grouped convolution of FLOAT NHWC tensors with few input channels per group,
 * vectorised along the output channels: the path for MobileNet-style depthwise layers
 * ({@code groups == C}, any depth multiplier {@code F/C}) and ResNeXt-style grouped layers.
 *
 * <p>A GEMM per group has only {@code kh*kw*C/groups} columns and {@code F/groups} outputs to work
 * with (9 and 1 for a 3x3 depthwise layer), so it spends its time on bookkeeping. Here each image is
 * first copied into a zero-bordered, <em>expanded</em> array E with, for every cell and every input
 * channel {@code c < cg} of a group, one row of F values, lane f holding the input channel
 * {@code group(f)*cg + c} that output channel f reads. The convolution is then element-wise along
 * those rows: with taps {@code t = (i, j, c)},
 * <pre>
 *   y[oh,ow,f]  = bias[f] + sum_t E[oh*sh + i*dh, ow*sw + j*dw, c, f] * W[i,j,c,f]
 *   dW[i,j,c,f] = sum_{n,oh,ow} E[oh*sh + i*dh, ow*sw + j*dw, c, f] * dy[n,oh,ow,f]
 *   dE[ph,pw,c,f] = sum_{i,j} Z[ph - i*dh, pw - j*dw, f] * W[i,j,c,f],   dx[ph,pw,g*cg + c] = sum_{f in g} dE[ph,pw,c,f]
 * </pre>
 * where Z is dy spread out by the strides with zeros between and around (as in {@link DirectConvFloat});
 * for the input gradient only the taps that land on an output cell are visited, phase by phase.
 * With a depth multiplier of one and no groups of more than one channel, E is the padded input itself.
 * The work per output value is that of the grouped convolution ({@code kh*kw*cg} multiply-adds), one
 * vector FMA per {@link ChannelwiseKernels#lanes()} output channels.
 *
 * <p>Images are split into chunks that the cores share out ({@link ImageParts}); each chunk keeps its
 * own kernel- and bias-gradient partial sums, added at the end in chunk order, so results repeat
 * exactly. The element-wise loops are {@link ChannelwiseVectorKernels} (Vector API) or, in a JVM
 * without it, {@link ChannelwiseScalarKernels}; both give the same bits. The input gradient visits a
 * phase's taps from the last to the first, so that for stride and dilation 1 a row's taps step forwards
 * by one cell, the pattern of the vector kernels' sliding 3x3 loops.
 *
 * <p>Measured through the public layer in a training-step workspace, forward + backward, medians, one
 * run on a 2-vCPU AMD EPYC shared with other jobs (load about 12): (32,56,56,64) 3x3 "same" depthwise
 * 65 ms against 2,124 ms for the per-group im2col + GEMM path that ran it before and 876 ms for
 * libnd4j's {@code depthwise_conv2d} ops; (16,28,28,128) 3x3 with 32 groups 119 ms against 787 ms.
 * A JVM without the Vector API took 425 ms on the depthwise shape then; for stride-1 layers with one
 * input channel per group it now takes the kernel and bias gradients from {@link StagedRows}.
 */
final class DepthwiseConvFloat {
    /**
     * Most input channels per group for which {@code Conv2DOps} takes this path. E holds each input
     * value F/groups times, and every multiply-add costs two loads (no register reuse across filters),
     * so it only wins while a group's GEMM would be small: at cg = 8 a 3x3 group GEMM has K = 72 columns.
     */
    static final int MAX_GROUP_CHANNELS = 8;

    /** Per-thread buffers are at most this many floats (64 MiB); larger layers take another path. */
    private static final long MAX_BUFFER = 1L << 24;

    private DepthwiseConvFloat() {
    }

    /** The element-wise loops for this JVM: the Vector API ones where the module is present. */
    static ChannelwiseKernels kernels() {
        return VectorSupport.available() ? Vectorised.KERNELS : ChannelwiseScalarKernels.INSTANCE;
    }

    /** Holder, so that the Vector API class is only loaded where the module is present. */
    private static final class Vectorised {
        static final ChannelwiseKernels KERNELS = ChannelwiseVectorKernels.INSTANCE;
    }

    /** Whether this path computes a call of this geometry and type (float, groups of at most 8 channels, buffers that fit). */
    static boolean applies(ConvGeometry g, DataType type) {
        if (type != DataType.FLOAT || g.groups() < 2 || g.cg() > MAX_GROUP_CHANNELS
                || (long) g.n() * g.h() * g.w() * g.c() > Integer.MAX_VALUE
                || (long) g.n() * g.cellsPerImage() * g.f() > Integer.MAX_VALUE) {
            return false;
        }
        long fp = paddedChannels(g, kernels().lanes());
        long hp = g.paddedHeight(), wp = g.paddedWidth();
        long zh = hp + (g.kh() - 1L) * g.dh(), zw = wp + (g.kw() - 1L) * g.dw();
        return hp * wp * g.cg() * fp <= MAX_BUFFER && zh * zw * fp <= MAX_BUFFER && (long) g.k() * fp <= MAX_BUFFER;
    }

    private static long paddedChannels(ConvGeometry g, int lanes) {
        return (g.f() + lanes - 1L) / lanes * lanes;
    }

    /**
     * Sizes and offset tables of one call. E is (hp, wp, cg, fp), ce = cg*fp floats per cell; Z is
     * (zh, zw, fp). Tap t = (i*kw + j)*cg + c reads E at a window origin + tapIn[t] and the kernel row
     * t*fp; output cell k of an image has its gradient at zCells[k] of Z. The input gradient of a
     * padded cell of phase (ph mod sh, pw mod sw) reads Z at its own position + gatherZ[phase][u] and
     * the kernel at gatherW[phase][u] + c*fp.
     */
    private record Plan(ConvGeometry g, int fp, int hp, int wp, int ce, int zh, int zw, int[] tapIn, int[] tapW,
                        int[] zCells, int[][] gatherZ, int[][] gatherW) {
        static Plan of(ConvGeometry g, int lanes) {
            int fp = (int) paddedChannels(g, lanes), cg = g.cg(), ce = cg * fp;
            int hp = (int) g.paddedHeight(), wp = (int) g.paddedWidth();
            int top = (g.kh() - 1) * g.dh(), left = (g.kw() - 1) * g.dw();
            int zh = hp + top, zw = wp + left;
            int[] tapIn = new int[g.k()], tapW = new int[g.k()];
            for (int i = 0, t = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    for (int c = 0; c < cg; c++, t++) {
                        tapIn[t] = (i * g.dh() * wp + j * g.dw()) * ce + c * fp;
                        tapW[t] = t * fp;
                    }
                }
            }
            int[] zCells = new int[g.cellsPerImage()];
            for (int oh = 0, k = 0; oh < g.oh(); oh++) {
                for (int ow = 0; ow < g.ow(); ow++, k++) {
                    zCells[k] = ((top + oh * g.sh()) * zw + left + ow * g.sw()) * fp;
                }
            }
            int[][] gz = new int[g.sh() * g.sw()][], gw = new int[gz.length][];
            for (int rp = 0; rp < g.sh(); rp++) {
                for (int cp = 0; cp < g.sw(); cp++) {
                    int[] tz = new int[g.kh() * g.kw()], tw = new int[tz.length];
                    int u = 0;
                    // Taps from the last to the first, so that a row's columns step forwards through Z by one
                    // cell (stride and dilation 1): the pattern ChannelwiseVectorKernels' sliding kernels take.
                    for (int i = g.kh() - 1; i >= 0; i--) {
                        for (int j = g.kw() - 1; j >= 0; j--) {
                            if (Math.floorMod(rp - i * g.dh(), g.sh()) == 0 && Math.floorMod(cp - j * g.dw(), g.sw()) == 0) {
                                tz[u] = -(i * g.dh() * zw + j * g.dw()) * fp;
                                tw[u++] = (i * g.kw() + j) * cg * fp;
                            }
                        }
                    }
                    gz[rp * g.sw() + cp] = Arrays.copyOf(tz, u);
                    gw[rp * g.sw() + cp] = Arrays.copyOf(tw, u);
                }
            }
            return new Plan(g, fp, hp, wp, ce, zh, zw, tapIn, tapW, zCells, gz, gw);
        }

        int imageLength() {
            return hp * wp * ce;
        }

        int zLength() {
            return zh * zw * fp;
        }

        /** Whether E is the padded input itself, laid out like x (depth multiplier 1, one channel per group, no lane padding). */
        boolean plainCopy() {
            return g.cg() == 1 && g.fg() == 1 && fp == g.f();
        }
    }

    /** x (n,h,w,c), kernel (kh,kw,cg,f), bias (f) or null -> y (n,oh,ow,f). */
    static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g) {
        return forward(x, kernel, biasOrNull, g, kernels());
    }

    static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g, ChannelwiseKernels kern) {
        Plan p = Plan.of(g, kern.lanes());
        final int fp = p.fp(), f = g.f(), ow = g.ow();
        float[] w = PaddedRows.paddedRows(kernel, g.k(), f, fp);
        float[] b = biasOrNull == null ? new float[fp] : PaddedRows.paddedRows(biasOrNull, 1, f, fp);
        INDArray xPlain = OpChecks.plain(x);
        FloatBuffer xb = xPlain.data().asNioFloat();
        int xOff = Math.toIntExact(xPlain.offset());
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), ow, f}, 'c');
        FloatBuffer yb = y.data().asNioFloat();
        int yOff = Math.toIntExact(y.offset());
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch s = Scratch.get();
                float[] img = s.floats("depthwise.image", p.imageLength());
                float[] row = s.floats("depthwise.row", ow * fp);
                float[] xRow = s.floats("depthwise.xrow", g.w() * g.c());
                Arrays.fill(img, 0, p.imageLength(), 0f);   // borders and padding lanes stay zero
                for (int n = first; n < first + count; n++) {
                    for (int oh = 0, loaded = 0; oh < g.oh(); oh++) {
                        loaded = loadRows(xb, xOff, n, p, img, xRow, loaded, oh);
                        kern.taps(img, oh * g.sh() * p.wp() * p.ce(), g.sw() * p.ce(), p.tapIn(), w, 0, p.tapW(), b,
                                row, 0, fp, ow, fp);
                        compact(row, ow, f, fp);
                        yb.put(yOff + ((n * g.oh() + oh) * ow) * f, row, 0, ow * f);
                    }
                }
            });
        } finally {
            KeepAlive.fence(xPlain, y);
        }
        return y;
    }

    /** Gradients of {@link #forward}; dx only when {@code needInput}, the bias gradient only when {@code hasBias}. */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, ConvGeometry g, boolean needInput,
                                  boolean hasBias) {
        return backward(x, kernel, dy, g, needInput, hasBias, kernels(), !VectorSupport.available());
    }

    /** {@link #backward} with the given element-wise loops for every gradient (never {@link StagedRows}). */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, ConvGeometry g, boolean needInput,
                                  boolean hasBias, ChannelwiseKernels kern) {
        return backward(x, kernel, dy, g, needInput, hasBias, kern, false);
    }

    /**
     * {@link #backward} with the given element-wise loops; with {@code staging}, the kernel and bias
     * gradients come from {@link StagedRows} wherever it applies to the geometry.
     */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, ConvGeometry g, boolean needInput,
                                  boolean hasBias, ChannelwiseKernels kern, boolean staging) {
        Plan p = Plan.of(g, kern.lanes());
        boolean staged = staging && StagedRows.applies(g, p);
        final int fp = p.fp(), ow = g.ow();
        float[] w = needInput ? PaddedRows.paddedRows(kernel, g.k(), g.f(), fp) : null;
        float[] zeros = new float[fp];
        INDArray xPlain = OpChecks.plain(x), dyPlain = OpChecks.plain(dy);
        FloatBuffer xb = xPlain.data().asNioFloat(), dyb = dyPlain.data().asNioFloat();
        int xOff = Math.toIntExact(xPlain.offset()), dyOff = Math.toIntExact(dyPlain.offset());
        INDArray dx = needInput ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.h(), g.w(), g.c()}, 'c')
                : null;
        FloatBuffer dxb = needInput ? dx.data().asNioFloat() : null;
        int dxOff = needInput ? Math.toIntExact(dx.offset()) : 0;
        int chunks = ImageParts.count(g.n());
        float[][] dwParts = new float[chunks][g.k() * fp];
        float[][] dbParts = new float[chunks][hasBias ? fp : 0];
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch s = Scratch.get();
                float[] img = s.floats("depthwise.image", p.imageLength());
                float[] z = s.floats("depthwise.z", p.zLength());
                float[] xRow = s.floats("depthwise.xrow", Math.max(g.w() * g.c(), ow * g.f()));
                float[] dxRow = needInput ? s.floats("depthwise.dxrow", g.w() * g.c()) : null;
                float[] dRow = needInput && !p.plainCopy() ? s.floats("depthwise.derow", g.w() * p.ce()) : dxRow;
                Arrays.fill(img, 0, p.imageLength(), 0f);
                Arrays.fill(z, 0, p.zLength(), 0f);   // only the strided cells are rewritten, padding lanes never
                float[] dw = dwParts[chunk], db = dbParts[chunk];
                StagedRows rows = staged ? new StagedRows(p, s) : null;
                for (int n = first; n < first + count; n++) {
                    for (int oh = 0, loaded = 0, nextDx = 0; oh < g.oh(); oh++) {
                        loaded = loadRows(xb, xOff, n, p, img, xRow, loaded, oh);
                        loadGradientRow(dyb, dyOff, n, oh, p, z, xRow);
                        int zStart = p.zCells()[oh * ow];
                        if (staged) {
                            rows.add(img, z, oh, zStart, hasBias);
                        } else {
                            kern.weightGradient(img, oh * g.sh() * p.wp() * p.ce(), g.sw() * p.ce(), p.tapIn(), z, zStart,
                                    g.sw() * fp, ow, dw, hasBias ? db : null, fp);
                        }
                        // Input row ih reads the Z rows of output rows up to (ih + pt)/sh: all loaded once ih + pt < (oh+1)*sh.
                        int ready = oh == g.oh() - 1 ? g.h() : Math.max(0, Math.min(g.h(), (oh + 1) * g.sh() - g.pt()));
                        for (; needInput && nextDx < ready; nextDx++) {
                            inputGradientRow(z, w, zeros, p, nextDx, dRow, dxRow, kern);
                            dxb.put(dxOff + ((n * g.h() + nextDx) * g.w()) * g.c(), dxRow, 0, g.w() * g.c());
                        }
                    }
                }
                if (staged) {
                    rows.foldInto(dw, hasBias ? db : null);
                }
            });
        } finally {
            KeepAlive.fence(xPlain, dyPlain, dx);
        }
        INDArray dKernel = PaddedRows.fromPadded(PaddedRows.sumParts(dwParts), g.k(), g.f(), fp, g.kh(), g.kw(), g.cg(), g.f());
        INDArray db = hasBias ? PaddedRows.fromPadded(PaddedRows.sumParts(dbParts), 1, g.f(), fp, g.f()) : null;
        return new ConvGradients(dx, dKernel, db);
    }

    /**
     * The kernel and bias gradients of stride-1 layers with one input channel per group (depthwise, any
     * depth multiplier) in plain Java that C2 vectorises, for a JVM without the Vector API, where
     * {@link ChannelwiseScalarKernels#weightGradient} stays scalar (its arrays are indexed at different
     * offsets). Per output row, each input row that tap row i reads is copied to {@code xr[i]} (padded
     * width, lanes as in E) and the row's output gradient to {@code zr[j]} at the offset of tap column j,
     * so that tap (i, j) is one loop over a single index q:
     * {@code acc[i,j][q] += xr[i][q] * zr[j][q]}. The per-cell sums are added over the row's cells into
     * the chunk's kernel gradient at the end of the chunk. On (32,56,56,64) 3x3 depthwise the kernel and
     * bias gradients took 23-34 ms with the scalar kernels and 5.7-6.4 ms here (4.8-5.5 with the Vector API),
     * the layer's plain-JVM step 33-41 ms before and 13.0 after (11.4-12.3 with the Vector API). The sums run in another order
     * than the Vector API kernels', so the two agree to float rounding, not bit for bit.
     */
    static final class StagedRows {
        private final Plan p;
        private final float[][] xr, zr, acc;
        private final float[] bias;

        /** Buffers for one chunk from the thread's scratch, the sums zeroed. */
        StagedRows(Plan p, Scratch s) {
            ConvGeometry g = p.g();
            int len = p.wp() * p.fp();
            this.p = p;
            xr = s.planes("staged.x", g.kh(), len);
            zr = s.planes("staged.z", g.kw(), len);
            acc = s.planes("staged.sums", g.kh() * g.kw(), len);
            bias = s.floats("staged.bias", len);
            for (int t = 0; t < g.kh() * g.kw(); t++) {
                Arrays.fill(acc[t], 0, len, 0f);
            }
            Arrays.fill(bias, 0, len, 0f);
        }

        /** Whether a JVM without the Vector API (the plain-Java kernels' lane padding) takes this geometry here. */
        static boolean applies(ConvGeometry g) {
            return applies(g, Plan.of(g, ChannelwiseScalarKernels.INSTANCE.lanes()));
        }

        /** Stride 1 and one input channel per group, so that E's lanes line up with the gradient's. */
        private static boolean applies(ConvGeometry g, Plan p) {
            return g.sh() == 1 && g.sw() == 1 && g.cg() == 1 && p.ce() == p.fp();
        }

        /** Adds output row oh of one image: E in {@code img}, its gradient at {@code zStart} of Z. */
        void add(float[] img, float[] z, int oh, int zStart, boolean hasBias) {
            ConvGeometry g = p.g();
            int fp = p.fp(), rowLen = p.wp() * fp, len = g.ow() * fp;
            for (int i = 0; i < g.kh(); i++) {
                System.arraycopy(img, (oh + i * g.dh()) * rowLen, xr[i], 0, rowLen);
            }
            for (int j = 0; j < g.kw(); j++) {
                System.arraycopy(z, zStart, zr[j], j * g.dw() * fp, len);
            }
            for (int i = 0, t = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++, t++) {
                    int from = j * g.dw() * fp;
                    fma(xr[i], zr[j], acc[t], from, from + len);
                }
            }
            if (hasBias) {
                float[] d = zr[0], b = bias;
                for (int q = 0; q < len; q++) {
                    b[q] += d[q];
                }
            }
        }

        private static void fma(float[] a, float[] b, float[] sum, int from, int to) {
            for (int q = from; q < to; q++) {
                sum[q] = Math.fma(a[q], b[q], sum[q]);
            }
        }

        /** Adds the chunk's per-cell sums, cell by cell, into its kernel gradient (and bias gradient, when not null). */
        void foldInto(float[] dw, float[] dbOrNull) {
            ConvGeometry g = p.g();
            int fp = p.fp(), ow = g.ow();
            for (int t = 0; t < g.kh() * g.kw(); t++) {
                int from = (t % g.kw()) * g.dw() * fp;
                for (int m = 0; m < ow; m++) {
                    for (int l = 0; l < fp; l++) {
                        dw[t * fp + l] += acc[t][from + m * fp + l];
                    }
                }
            }
            for (int m = 0; dbOrNull != null && m < ow; m++) {
                for (int l = 0; l < fp; l++) {
                    dbOrNull[l] += bias[m * fp + l];
                }
            }
        }
    }

    /**
     * Copies the rows of image n that output row oh needs and that are not loaded yet (padded rows
     * [loaded, need)) into the inside of E, each value to the lanes of the filters that read it, and
     * returns need. Rows are loaded just before their first use, so that they are still in the
     * core's cache when the taps read them (a whole 56x56x64 image, 0.8 MB, would not be). Borders,
     * padding rows and padding lanes are never written and keep their zeros; rows of the previous
     * image beyond need are not read.
     */
    private static int loadRows(FloatBuffer xb, int xOff, int n, Plan p, float[] img, float[] xRow, int loaded, int oh) {
        ConvGeometry g = p.g();
        final int need = oh * g.sh() + (g.kh() - 1) * g.dh() + 1;
        final int c = g.c(), cg = g.cg(), fg = g.fg(), ce = p.ce(), fp = p.fp();
        final int cols = Math.min(g.w(), p.wp() - g.pl());
        for (int ph = Math.max(loaded, g.pt()); cols > 0 && ph < need && ph - g.pt() < g.h(); ph++) {
            int src = xOff + ((n * g.h() + ph - g.pt()) * g.w()) * c, dst = (ph * p.wp() + g.pl()) * ce;
            if (p.plainCopy()) {
                xb.get(src, img, dst, cols * c);
                continue;
            }
            xb.get(src, xRow, 0, cols * c);
            if (cg == 1 && fg == 1) {
                for (int iw = 0; iw < cols; iw++) {
                    System.arraycopy(xRow, iw * c, img, dst + iw * fp, c);
                }
                continue;
            }
            for (int iw = 0; iw < cols; iw++) {
                for (int ch = 0; ch < cg; ch++) {
                    // Lane q of this row holds input channel (q / fg)*cg + ch.
                    final int e = dst + iw * ce + ch * fp, x0 = iw * c + ch;
                    for (int gi = 0, q = 0; gi < g.groups(); gi++) {
                        final float v = xRow[x0 + gi * cg];
                        for (int k = 0; k < fg; k++, q++) {
                            img[e + q] = v;
                        }
                    }
                }
            }
        }
        return need;
    }

    /** Copies dy of output row oh of image n to its strided cells of Z (the other cells and padding lanes stay zero). */
    private static void loadGradientRow(FloatBuffer dyb, int dyOff, int n, int oh, Plan p, float[] z, float[] dyRow) {
        ConvGeometry g = p.g();
        final int f = g.f(), ow = g.ow();
        final int[] cells = p.zCells();
        int from = dyOff + (n * g.oh() + oh) * ow * f;
        if (f == p.fp() && g.sw() == 1) {
            dyb.get(from, z, cells[oh * ow], ow * f);
            return;
        }
        dyb.get(from, dyRow, 0, ow * f);
        for (int k = 0; k < ow; k++) {
            System.arraycopy(dyRow, k * f, z, cells[oh * ow + k], f);
        }
    }

    /**
     * dx of input row ih of one image into dxRow (w*c): dE of the row into dRow (w*ce; dRow is dxRow
     * itself when E is the plain input), then each input channel's lanes summed. Input cells that no
     * window reads get zero.
     */
    private static void inputGradientRow(float[] z, float[] w, float[] zeros, Plan p, int ih, float[] dRow, float[] dxRow,
                                         ChannelwiseKernels kern) {
        ConvGeometry g = p.g();
        final int c = g.c(), cg = g.cg(), fg = g.fg(), fp = p.fp(), ce = p.ce(), sw = g.sw();
        final int ph = ih + g.pt();
        final int validCols = ph >= p.hp() ? 0 : Math.max(0, Math.min(g.w(), p.wp() - g.pl()));
        if (validCols > 0) {
            final int top = (g.kh() - 1) * g.dh(), left = (g.kw() - 1) * g.dw();
            final int zRow = ((ph + top) * p.zw() + g.pl() + left) * fp;
            for (int cp = 0; cp < sw; cp++) {
                final int phase = (ph % g.sh()) * sw + cp;
                final int first = Math.floorMod(cp - g.pl(), sw);   // first column iw with (iw + pl) mod sw == cp
                final int cells = first < validCols ? (validCols - first + sw - 1) / sw : 0;
                for (int ch = 0; ch < cg; ch++) {
                    kern.taps(z, zRow + first * fp, sw * fp, p.gatherZ()[phase], w, ch * fp, p.gatherW()[phase], zeros,
                            dRow, first * ce + ch * fp, sw * ce, cells, fp);
                }
            }
            if (dRow != dxRow) {
                for (int iw = 0; iw < validCols; iw++) {
                    for (int gi = 0; gi < g.groups(); gi++) {
                        for (int ch = 0; ch < cg; ch++) {
                            int e = iw * ce + ch * fp + gi * fg;
                            float sum = dRow[e];
                            for (int k = 1; k < fg; k++) {
                                sum += dRow[e + k];
                            }
                            dxRow[iw * c + gi * cg + ch] = sum;
                        }
                    }
                }
            }
        }
        Arrays.fill(dxRow, validCols * c, g.w() * c, 0f);
    }

    /** Moves cell rows of stride fp down to stride f, in place, when the channels were padded. */
    private static void compact(float[] row, int cells, int f, int fp) {
        if (f != fp) {
            for (int k = 1; k < cells; k++) {
                System.arraycopy(row, k * fp, row, k * f, f);
            }
        }
    }
}
