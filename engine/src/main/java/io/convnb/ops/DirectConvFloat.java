package io.convnb.ops;

import java.nio.FloatBuffer;
import java.util.Arrays;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Direct convolution of FLOAT NHWC tensors with one group, vectorised over the filters with the JDK
 * Vector API: the path for thin layers such as the first layer of an MNIST network, (64, 28, 28, 1)
 * with 32 3x3 filters, where a GEMM has only kh*kw*C = 9 columns to work with and im2col + GEMM or
 * ND4J's oneDNN op spend their time moving memory rather than multiplying.
 *
 * <p>Each image is copied into a zero-bordered Java array first, so every window reads in bounds and
 * no tap needs a padding test; output, gradient and input-gradient tiles of one image stay in the
 * core's cache and go to or from native memory in one bulk copy. Filters are padded with zero lanes
 * to a multiple of the vector length. Images are split into chunks that the cores share out
 * ({@link ImageParts}); each chunk keeps its own weight-gradient partial sums, added up at the end in
 * chunk order, so results repeat exactly.
 *
 * <ul>
 *   <li>forward: {@code y[oh,ow,:] = bias + sum_{i,j,c} x[oh*sh+i*dh, ow*sw+j*dw, c] * W[i,j,c,:]},
 *       four output columns at a time so that four independent FMA chains hide the latency;</li>
 *   <li>kernel gradient: {@code dW[i,j,c,:] = sum_{oh,ow} x[...] * dy[oh,ow,:]};</li>
 *   <li>input gradient, gathered per input cell: {@code dx[ph,pw,c] = sum_{i,j} <Z[ph-i*dh, pw-j*dw,:], W[i,j,c,:]>},
 *       where Z is dy spread out by the strides with zeros between and around, one horizontal sum
 *       per input cell and channel.</li>
 * </ul>
 * Only loaded when {@link VectorSupport#available()}; the JVM needs
 * {@code --add-modules jdk.incubator.vector}.
 */
final class DirectConvFloat {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private DirectConvFloat() {
    }

    /** The vector shape in use, e.g. "16 floats, 512-bit". */
    static String describeVectors() {
        return L + " floats, " + S.vectorBitSize() + "-bit";
    }

    private static FloatVector bc(float v) {
        return FloatVector.broadcast(S, v);
    }

    /**
     * The padded image is (hp, wp, c): exactly the rows and columns the windows read, the input at
     * offset (pt, pl) and zeros elsewhere. fp is f rounded up to whole vectors. Z, the strided
     * output gradient for the input-gradient gather, is (zh, zw, fp).
     */
    private record Plan(ConvGeometry g, int hp, int wp, int fp, int zh, int zw, int[] tapOffsets, int[] cellOffsets,
                        int[] zCells, int[][] gatherZ, int[][] gatherW) {
        static Plan of(ConvGeometry g) {
            int c = g.c();
            int hp = (int) g.paddedHeight(), wp = (int) g.paddedWidth(), fp = (int) paddedFilters(g);
            int zw = (int) zWidth(g);
            // Tap row t = (i*kw + j)*c + ch of the kernel reads the padded image at window origin + tapOffsets[t].
            int[] taps = new int[g.k()];
            for (int i = 0, t = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    for (int ch = 0; ch < c; ch++, t++) {
                        taps[t] = (i * g.dh() * wp + j * g.dw()) * c + ch;
                    }
                }
            }
            // Output cell (oh, ow) has its window origin at cellOffsets[oh*ow_count + ow] of the padded image,
            // and its gradient at zCells[...] of Z: row (kh-1)*dh + oh*sh, column (kw-1)*dw + ow*sw.
            int[] cells = new int[g.cellsPerImage()], zCells = new int[cells.length];
            int top = (g.kh() - 1) * g.dh(), left = (g.kw() - 1) * g.dw();
            for (int oh = 0, k = 0; oh < g.oh(); oh++) {
                for (int ow = 0; ow < g.ow(); ow++, k++) {
                    cells[k] = (oh * g.sh() * wp + ow * g.sw()) * c;
                    zCells[k] = ((top + oh * g.sh()) * zw + left + ow * g.sw()) * fp;
                }
            }
            // Input-gradient gather tables, one per phase (ph mod sh, pw mod sw) of the padded input cell:
            // one entry per (tap i,j that lands on an output cell from that phase; filter block). Z is read
            // at base - gatherZ[phase][u] and the kernel at gatherW[phase][u] + ch*fp.
            int blocks = fp / L;
            int[][] gz = new int[g.sh() * g.sw()][], gw = new int[gz.length][];
            for (int rp = 0; rp < g.sh(); rp++) {
                for (int cp = 0; cp < g.sw(); cp++) {
                    int[] tz = new int[g.kh() * g.kw() * blocks], tw = new int[tz.length];
                    int u = 0;
                    for (int i = 0; i < g.kh(); i++) {
                        for (int j = 0; j < g.kw(); j++) {
                            if (Math.floorMod(rp - i * g.dh(), g.sh()) != 0 || Math.floorMod(cp - j * g.dw(), g.sw()) != 0) {
                                continue;
                            }
                            for (int blk = 0; blk < blocks; blk++, u++) {
                                tz[u] = (i * g.dh() * zw + j * g.dw()) * fp - blk * L;
                                tw[u] = (i * g.kw() + j) * c * fp + blk * L;
                            }
                        }
                    }
                    gz[rp * g.sw() + cp] = Arrays.copyOf(tz, u);
                    gw[rp * g.sw() + cp] = Arrays.copyOf(tw, u);
                }
            }
            return new Plan(g, hp, wp, fp, (int) zHeight(g), zw, taps, cells, zCells, gz, gw);
        }

        int imageLength() {
            return hp * wp * g.c();
        }

        int tileLength() {
            return g.cellsPerImage() * fp;
        }

        int zLength() {
            return zh * zw * fp;
        }
    }

    /** Per-thread buffers are at most this many floats (64 MiB); larger layers take another path. */
    private static final long MAX_BUFFER = 1L << 24;

    /** Whether this geometry's per-thread buffers stay within {@link #MAX_BUFFER}. */
    static boolean fits(ConvGeometry g) {
        long fp = paddedFilters(g);
        return zHeight(g) * zWidth(g) * fp <= MAX_BUFFER && (long) g.cellsPerImage() * fp <= MAX_BUFFER
                && g.paddedHeight() * g.paddedWidth() * g.c() <= MAX_BUFFER;
    }

    // Buffer sizes, in long so that fits() can reject a geometry before any int product overflows.

    /** The filter count rounded up to whole vectors. */
    private static long paddedFilters(ConvGeometry g) {
        return (g.f() + L - 1L) / L * L;
    }

    /** Rows of Z: the padded image's, plus the kernel's reach above it. */
    private static long zHeight(ConvGeometry g) {
        return g.paddedHeight() + (g.kh() - 1L) * g.dh();
    }

    /** Columns of Z. */
    private static long zWidth(ConvGeometry g) {
        return g.paddedWidth() + (g.kw() - 1L) * g.dw();
    }

    /**
     * x (n,h,w,c), kernel (kh,kw,c,f), bias (f) or null -> y (n,oh,ow,f); with {@code relu}, y = max(0, ...)
     * applied to each output tile while it is still in cache.
     */
    static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g, boolean relu) {
        Plan p = Plan.of(g);
        float[] w = PaddedRows.paddedRows(kernel, g.k(), g.f(), p.fp());
        float[] b = biasOrNull == null ? new float[p.fp()] : PaddedRows.paddedRows(biasOrNull, 1, g.f(), p.fp());
        INDArray xPlain = OpChecks.plain(x);
        FloatBuffer xb = xPlain.data().asNioFloat();
        int xOff = Math.toIntExact(xPlain.offset());
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), g.f()}, 'c');
        FloatBuffer yb = y.data().asNioFloat();
        int yOff = Math.toIntExact(y.offset());
        int outPerImage = g.cellsPerImage() * g.f();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch s = Scratch.get();
                float[] img = s.floats("direct.image", p.imageLength());
                float[] tile = s.floats("direct.tile", p.tileLength());
                Arrays.fill(img, 0, p.imageLength(), 0f);   // borders stay zero; each image rewrites the inside
                for (int n = first; n < first + count; n++) {
                    loadImage(xb, xOff, n, p, img);
                    forwardImage(img, w, b, tile, p);
                    if (relu) {
                        rectify(tile, p.tileLength());
                    }
                    compact(tile, p);
                    yb.put(yOff + n * outPerImage, tile, 0, outPerImage);
                }
            });
        } finally {
            KeepAlive.fence(xPlain, y);
        }
        return y;
    }

    /**
     * Gradients of {@link #forward}: dx only when {@code needInput}, the kernel gradient only when
     * {@code needKernel}, the bias gradient only when {@code hasBias}; the others are null. With a
     * rectified output {@code reluOutputOrNull} (forward with relu), {@code dy} is the gradient with
     * respect to that output, and each image's dy is masked by {@code y > 0} as it is loaded.
     */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, INDArray reluOutputOrNull, ConvGeometry g,
                                  boolean needInput, boolean needKernel, boolean hasBias) {
        Plan p = Plan.of(g);
        float[] w = needInput ? PaddedRows.paddedRows(kernel, g.k(), g.f(), p.fp()) : null;
        INDArray xPlain = OpChecks.plain(x), dyPlain = OpChecks.plain(dy);
        FloatBuffer xb = xPlain.data().asNioFloat(), dyb = dyPlain.data().asNioFloat();
        int xOff = Math.toIntExact(xPlain.offset()), dyOff = Math.toIntExact(dyPlain.offset());
        INDArray yPlain = reluOutputOrNull == null ? null : OpChecks.plain(reluOutputOrNull);
        FloatBuffer yb = yPlain == null ? null : yPlain.data().asNioFloat();
        int yOff = yPlain == null ? 0 : Math.toIntExact(yPlain.offset());
        INDArray dx = needInput ? Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.h(), g.w(), g.c()}, 'c')
                : null;
        FloatBuffer dxb = needInput ? dx.data().asNioFloat() : null;
        int dxOff = needInput ? Math.toIntExact(dx.offset()) : 0;
        int chunks = ImageParts.count(g.n());
        float[][] dwParts = new float[chunks][needKernel ? g.k() * p.fp() : 0];
        float[][] dbParts = new float[chunks][hasBias ? p.fp() : 0];
        int inPerImage = g.h() * g.w() * g.c();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch s = Scratch.get();
                float[] img = s.floats("direct.image", p.imageLength());
                float[] z = s.floats("direct.z", p.zLength());
                Arrays.fill(img, 0, p.imageLength(), 0f);
                Arrays.fill(z, 0, p.zLength(), 0f);   // only the strided cells are rewritten, lanes f..fp-1 never
                float[] dxTile = needInput ? s.floats("direct.dx", inPerImage) : null;
                int outPerImage = g.cellsPerImage() * g.f();
                float[] dyTile = yb == null ? null : s.floats("direct.dy", outPerImage);
                float[] yTile = yb == null ? null : s.floats("direct.y", outPerImage);
                for (int n = first; n < first + count; n++) {
                    if (needKernel) {
                        loadImage(xb, xOff, n, p, img);
                    }
                    if (yb == null) {
                        loadGradient(dyb, dyOff, n, p, z);
                    } else {
                        dyb.get(dyOff + n * outPerImage, dyTile, 0, outPerImage);
                        yb.get(yOff + n * outPerImage, yTile, 0, outPerImage);
                        maskByPositive(dyTile, yTile, outPerImage);
                        loadGradient(dyTile, n, p, z);
                    }
                    if (hasBias) {
                        biasGradient(z, p, dbParts[chunk]);
                    }
                    if (needKernel) {
                        kernelGradient(img, z, p, dwParts[chunk]);
                    }
                    if (needInput) {
                        inputGradient(z, w, p, dxTile);
                        dxb.put(dxOff + n * inPerImage, dxTile, 0, inPerImage);
                    }
                }
            });
        } finally {
            KeepAlive.fence(xPlain, dyPlain, yPlain, dx);
        }
        INDArray dKernel = needKernel ? PaddedRows.fromPadded(PaddedRows.sumParts(dwParts), g.k(), g.f(), p.fp(), g.kh(), g.kw(), g.c(), g.f())
                : null;
        INDArray db = hasBias ? PaddedRows.fromPadded(PaddedRows.sumParts(dbParts), 1, g.f(), p.fp(), g.f()) : null;
        return new ConvGradients(dx, dKernel, db);
    }

    /** Copies image n into the inside of the zero-bordered array (rows and columns no window reads are left out). */
    private static void loadImage(FloatBuffer xb, int xOff, int n, Plan p, float[] img) {
        ConvGeometry g = p.g();
        int c = g.c(), cols = Math.min(g.w(), p.wp() - g.pl());
        if (cols <= 0) {
            return;
        }
        for (int ih = 0; ih < g.h(); ih++) {
            int ph = ih + g.pt();
            if (ph >= p.hp()) {
                break;
            }
            xb.get(xOff + ((n * g.h() + ih) * g.w()) * c, img, (ph * p.wp() + g.pl()) * c, cols * c);
        }
    }

    /*
     * The kernels below keep vector accumulators only in single, flat loops (over taps via offset
     * tables, or over cells): with Java 17's C2, a vector carried through nested loops of run-time
     * length is boxed on the heap and the code runs about ten times slower.
     */

    private static void forwardImage(float[] img, float[] w, float[] b, float[] tile, Plan p) {
        ConvGeometry g = p.g();
        final int fp = p.fp(), ow = g.ow(), next = g.sw() * g.c();
        final int[] off = p.tapOffsets();
        for (int oh = 0; oh < g.oh(); oh++) {
            final int rowBase = oh * g.sh() * p.wp() * g.c(), outRow = oh * ow * fp;
            int fb = 0;
            for (; fb + 2 * L <= fp; fb += 2 * L) {
                forwardRowTwoBlocks(img, w, b, tile, off, fp, fb, ow, next, rowBase, outRow);
            }
            if (fb < fp) {
                forwardRowOneBlock(img, w, b, tile, off, fp, fb, ow, next, rowBase, outRow);
            }
        }
    }

    /** One output row, filters [fb, fb+2L): four columns at a time, eight accumulators. */
    private static void forwardRowTwoBlocks(float[] img, float[] w, float[] b, float[] tile, int[] off, int fp, int fb,
                                            int ow, int next, int rowBase, int outRow) {
        final int taps = off.length;
        final FloatVector bv = FloatVector.fromArray(S, b, fb), bu = FloatVector.fromArray(S, b, fb + L);
        // Blocks of four columns; the last block may overlap the one before (recomputing the same values).
        final int blockedEnd = ow >= 4 ? ow : 0;
        for (int start = 0; start < blockedEnd; start += 4) {
            final int col = Math.min(start, ow - 4);
            FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv, c0 = bu, c1 = bu, c2 = bu, c3 = bu;
            final int base = rowBase + col * next;
            for (int t = 0, wt = fb; t < taps; t++, wt += fp) {
                FloatVector wv = FloatVector.fromArray(S, w, wt), wu = FloatVector.fromArray(S, w, wt + L);
                int e = base + off[t];
                FloatVector x0 = bc(img[e]), x1 = bc(img[e + next]), x2 = bc(img[e + 2 * next]), x3 = bc(img[e + 3 * next]);
                a0 = wv.fma(x0, a0);
                a1 = wv.fma(x1, a1);
                a2 = wv.fma(x2, a2);
                a3 = wv.fma(x3, a3);
                c0 = wu.fma(x0, c0);
                c1 = wu.fma(x1, c1);
                c2 = wu.fma(x2, c2);
                c3 = wu.fma(x3, c3);
            }
            int o = outRow + col * fp + fb;
            a0.intoArray(tile, o);
            c0.intoArray(tile, o + L);
            a1.intoArray(tile, o + fp);
            c1.intoArray(tile, o + fp + L);
            a2.intoArray(tile, o + 2 * fp);
            c2.intoArray(tile, o + 2 * fp + L);
            a3.intoArray(tile, o + 3 * fp);
            c3.intoArray(tile, o + 3 * fp + L);
        }
        for (int col = blockedEnd; col < ow; col++) {
            FloatVector a0 = bv, c0 = bu;
            final int base = rowBase + col * next;
            for (int t = 0, wt = fb; t < taps; t++, wt += fp) {
                FloatVector x0 = bc(img[base + off[t]]);
                a0 = FloatVector.fromArray(S, w, wt).fma(x0, a0);
                c0 = FloatVector.fromArray(S, w, wt + L).fma(x0, c0);
            }
            int o = outRow + col * fp + fb;
            a0.intoArray(tile, o);
            c0.intoArray(tile, o + L);
        }
    }

    /** One output row, filters [fb, fb+L): four columns at a time. */
    private static void forwardRowOneBlock(float[] img, float[] w, float[] b, float[] tile, int[] off, int fp, int fb,
                                           int ow, int next, int rowBase, int outRow) {
        final int taps = off.length;
        final FloatVector bv = FloatVector.fromArray(S, b, fb);
        // Blocks of four columns; the last block may overlap the one before (recomputing the same values).
        final int blockedEnd = ow >= 4 ? ow : 0;
        for (int start = 0; start < blockedEnd; start += 4) {
            final int col = Math.min(start, ow - 4);
            FloatVector a0 = bv, a1 = bv, a2 = bv, a3 = bv;
            final int base = rowBase + col * next;
            for (int t = 0, wt = fb; t < taps; t++, wt += fp) {
                FloatVector wv = FloatVector.fromArray(S, w, wt);
                int e = base + off[t];
                a0 = wv.fma(bc(img[e]), a0);
                a1 = wv.fma(bc(img[e + next]), a1);
                a2 = wv.fma(bc(img[e + 2 * next]), a2);
                a3 = wv.fma(bc(img[e + 3 * next]), a3);
            }
            int o = outRow + col * fp + fb;
            a0.intoArray(tile, o);
            a1.intoArray(tile, o + fp);
            a2.intoArray(tile, o + 2 * fp);
            a3.intoArray(tile, o + 3 * fp);
        }
        for (int col = blockedEnd; col < ow; col++) {
            FloatVector a0 = bv;
            final int base = rowBase + col * next;
            for (int t = 0, wt = fb; t < taps; t++, wt += fp) {
                a0 = FloatVector.fromArray(S, w, wt).fma(bc(img[base + off[t]]), a0);
            }
            a0.intoArray(tile, outRow + col * fp + fb);
        }
    }

    /**
     * Reads image n of dy into Z, cell (oh, ow) at {@code zCells[oh*ow_count + ow]}; everything else in
     * Z (the border, the gaps between strided cells, lanes f..fp-1) stays zero.
     */
    private static void loadGradient(FloatBuffer dyb, int dyOff, int n, Plan p, float[] z) {
        ConvGeometry g = p.g();
        final int f = g.f(), ow = g.ow();
        final int[] cells = p.zCells();
        int from = dyOff + n * g.cellsPerImage() * f;
        if (f == p.fp() && g.sw() == 1) {
            for (int oh = 0; oh < g.oh(); oh++, from += ow * f) {
                dyb.get(from, z, cells[oh * ow], ow * f);
            }
            return;
        }
        for (int cell = 0; cell < cells.length; cell++, from += f) {
            dyb.get(from, z, cells[cell], f);
        }
    }

    /** The same as {@link #loadGradient(FloatBuffer, int, int, Plan, float[])} from a Java copy of image n's dy. */
    private static void loadGradient(float[] dy, int n, Plan p, float[] z) {
        ConvGeometry g = p.g();
        final int f = g.f(), ow = g.ow();
        final int[] cells = p.zCells();
        if (f == p.fp() && g.sw() == 1) {
            for (int oh = 0, from = 0; oh < g.oh(); oh++, from += ow * f) {
                System.arraycopy(dy, from, z, cells[oh * ow], ow * f);
            }
            return;
        }
        for (int cell = 0, from = 0; cell < cells.length; cell++, from += f) {
            System.arraycopy(dy, from, z, cells[cell], f);
        }
    }

    /** {@code a[i] = max(0, a[i])} for i < len: ReLU on an output tile. */
    private static void rectify(float[] a, int len) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector.fromArray(S, a, i).max(zero).intoArray(a, i);
        }
        for (; i < len; i++) {
            a[i] = Math.max(0f, a[i]);
        }
    }

    /** {@code dy[i] = y[i] > 0 ? dy[i] : 0}: the ReLU derivative, read from the rectified output y. */
    private static void maskByPositive(float[] dy, float[] y, int len) {
        FloatVector zero = FloatVector.zero(S);
        int i = 0;
        for (int end = S.loopBound(len); i < end; i += L) {
            FloatVector d = FloatVector.fromArray(S, dy, i);
            d.blend(zero, FloatVector.fromArray(S, y, i).compare(VectorOperators.LE, 0f)).intoArray(dy, i);
        }
        for (; i < len; i++) {
            dy[i] = y[i] > 0f ? dy[i] : 0f;
        }
    }

    private static void biasGradient(float[] z, Plan p, float[] db) {
        final int[] cells = p.zCells();
        for (int fb = 0; fb < p.fp(); fb += L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            int cell = 0;
            for (; cell + 4 <= cells.length; cell += 4) {
                s0 = s0.add(FloatVector.fromArray(S, z, cells[cell] + fb));
                s1 = s1.add(FloatVector.fromArray(S, z, cells[cell + 1] + fb));
                s2 = s2.add(FloatVector.fromArray(S, z, cells[cell + 2] + fb));
                s3 = s3.add(FloatVector.fromArray(S, z, cells[cell + 3] + fb));
            }
            for (; cell < cells.length; cell++) {
                s0 = s0.add(FloatVector.fromArray(S, z, cells[cell] + fb));
            }
            s0.add(s1).add(s2.add(s3)).add(FloatVector.fromArray(S, db, fb)).intoArray(db, fb);
        }
    }

    /**
     * dW[t, :] += sum over cells of img[cell origin + tap offset t] * dy[cell, :], for every tap row t:
     * four taps at a time where possible, so that each gradient vector loaded serves four FMAs.
     */
    private static void kernelGradient(float[] img, float[] z, Plan p, float[] dw) {
        final int fp = p.fp();
        final int[] off = p.tapOffsets(), cellOff = p.cellOffsets(), zCells = p.zCells();
        int t = 0;
        for (; t + 4 <= off.length; t += 4) {
            for (int fb = 0; fb < fp; fb += L) {
                kernelGradientFourTaps(img, z, cellOff, zCells, off, t, fb, dw, t * fp + fb, fp);
            }
        }
        for (; t < off.length; t++) {
            int fb = 0;
            for (; fb + 2 * L <= fp; fb += 2 * L) {
                kernelGradientTwoBlocks(img, z, cellOff, zCells, off[t], fb, dw, t * fp + fb);
            }
            if (fb < fp) {
                kernelGradientOneBlock(img, z, cellOff, zCells, off[t], fb, dw, t * fp + fb);
            }
        }
    }

    /** Taps t..t+3, filters [fb, fb+L): four accumulators, one gradient load per cell. */
    private static void kernelGradientFourTaps(float[] img, float[] z, int[] cellOff, int[] zCells, int[] off, int t,
                                               int fb, float[] dw, int to, int fp) {
        final int o0 = off[t], o1 = off[t + 1], o2 = off[t + 2], o3 = off[t + 3];
        FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0;
        for (int cell = 0; cell < cellOff.length; cell++) {
            FloatVector d = FloatVector.fromArray(S, z, zCells[cell] + fb);
            int e = cellOff[cell];
            g0 = d.fma(bc(img[e + o0]), g0);
            g1 = d.fma(bc(img[e + o1]), g1);
            g2 = d.fma(bc(img[e + o2]), g2);
            g3 = d.fma(bc(img[e + o3]), g3);
        }
        g0.add(FloatVector.fromArray(S, dw, to)).intoArray(dw, to);
        g1.add(FloatVector.fromArray(S, dw, to + fp)).intoArray(dw, to + fp);
        g2.add(FloatVector.fromArray(S, dw, to + 2 * fp)).intoArray(dw, to + 2 * fp);
        g3.add(FloatVector.fromArray(S, dw, to + 3 * fp)).intoArray(dw, to + 3 * fp);
    }

    private static void kernelGradientTwoBlocks(float[] img, float[] z, int[] cellOff, int[] zCells, int tapOff, int fb,
                                                float[] dw, int to) {
        final int cells = cellOff.length;
        FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0, h0 = g0, h1 = g0, h2 = g0, h3 = g0;
        int cell = 0;
        for (; cell + 4 <= cells; cell += 4) {
            FloatVector x0 = bc(img[tapOff + cellOff[cell]]), x1 = bc(img[tapOff + cellOff[cell + 1]]);
            FloatVector x2 = bc(img[tapOff + cellOff[cell + 2]]), x3 = bc(img[tapOff + cellOff[cell + 3]]);
            int o0 = zCells[cell] + fb, o1 = zCells[cell + 1] + fb, o2 = zCells[cell + 2] + fb, o3 = zCells[cell + 3] + fb;
            g0 = FloatVector.fromArray(S, z, o0).fma(x0, g0);
            h0 = FloatVector.fromArray(S, z, o0 + L).fma(x0, h0);
            g1 = FloatVector.fromArray(S, z, o1).fma(x1, g1);
            h1 = FloatVector.fromArray(S, z, o1 + L).fma(x1, h1);
            g2 = FloatVector.fromArray(S, z, o2).fma(x2, g2);
            h2 = FloatVector.fromArray(S, z, o2 + L).fma(x2, h2);
            g3 = FloatVector.fromArray(S, z, o3).fma(x3, g3);
            h3 = FloatVector.fromArray(S, z, o3 + L).fma(x3, h3);
        }
        for (; cell < cells; cell++) {
            int o = zCells[cell] + fb;
            FloatVector x0 = bc(img[tapOff + cellOff[cell]]);
            g0 = FloatVector.fromArray(S, z, o).fma(x0, g0);
            h0 = FloatVector.fromArray(S, z, o + L).fma(x0, h0);
        }
        g0.add(g1).add(g2.add(g3)).add(FloatVector.fromArray(S, dw, to)).intoArray(dw, to);
        h0.add(h1).add(h2.add(h3)).add(FloatVector.fromArray(S, dw, to + L)).intoArray(dw, to + L);
    }

    private static void kernelGradientOneBlock(float[] img, float[] z, int[] cellOff, int[] zCells, int tapOff, int fb,
                                               float[] dw, int to) {
        final int cells = cellOff.length;
        FloatVector g0 = FloatVector.zero(S), g1 = g0, g2 = g0, g3 = g0;
        int cell = 0;
        for (; cell + 4 <= cells; cell += 4) {
            g0 = FloatVector.fromArray(S, z, zCells[cell] + fb).fma(bc(img[tapOff + cellOff[cell]]), g0);
            g1 = FloatVector.fromArray(S, z, zCells[cell + 1] + fb).fma(bc(img[tapOff + cellOff[cell + 1]]), g1);
            g2 = FloatVector.fromArray(S, z, zCells[cell + 2] + fb).fma(bc(img[tapOff + cellOff[cell + 2]]), g2);
            g3 = FloatVector.fromArray(S, z, zCells[cell + 3] + fb).fma(bc(img[tapOff + cellOff[cell + 3]]), g3);
        }
        for (; cell < cells; cell++) {
            g0 = FloatVector.fromArray(S, z, zCells[cell] + fb).fma(bc(img[tapOff + cellOff[cell]]), g0);
        }
        g0.add(g1).add(g2.add(g3)).add(FloatVector.fromArray(S, dw, to)).intoArray(dw, to);
    }

    /**
     * dx of one image from Z; input cells that no window reads get zero. Only the taps that land on
     * an output cell are visited: with strides, input row ph sees tap row i only when
     * {@code (ph - i*dh) mod sh == 0}, so the cells of one row are taken phase by phase, each phase
     * with its own tap table. Four cells of the same phase are gathered together: they share every
     * kernel load and give four independent FMA chains.
     */
    private static void inputGradient(float[] z, float[] w, Plan p, float[] dx) {
        ConvGeometry g = p.g();
        final int c = g.c(), fp = p.fp(), zw = p.zw(), sw = g.sw();
        final int top = (g.kh() - 1) * g.dh(), left = (g.kw() - 1) * g.dw();
        final int validCols = Math.max(0, Math.min(g.w(), p.wp() - g.pl()));
        for (int ih = 0; ih < g.h(); ih++) {
            final int ph = ih + g.pt(), rowOut = ih * g.w() * c;
            if (ph >= p.hp()) {
                Arrays.fill(dx, rowOut, rowOut + g.w() * c, 0f);
                continue;
            }
            final int zRow = ((ph + top) * zw + g.pl() + left) * fp;
            for (int cp = 0; cp < sw; cp++) {
                final int phase = (ph % g.sh()) * sw + cp;
                final int[] zOff = p.gatherZ()[phase], wOff = p.gatherW()[phase];
                final int first = Math.floorMod(cp - g.pl(), sw);   // first column iw with (iw + pl) mod sw == cp
                final int cells = first < validCols ? (validCols - first + sw - 1) / sw : 0;
                if (c == 3) {
                    gatherRowRgb(z, w, dx, zOff, wOff, fp, zRow + first * fp, sw * fp, rowOut + first * c, sw * c, cells);
                    continue;
                }
                for (int ch = 0; ch < c; ch++) {
                    gatherRow(z, w, dx, zOff, wOff, ch * fp, zRow + first * fp, sw * fp, rowOut + first * c + ch, sw * c,
                            cells);
                }
            }
            Arrays.fill(dx, rowOut + validCols * c, rowOut + g.w() * c, 0f);
        }
    }

    /**
     * {@code cells} input cells of one row and phase: cell m reads Z from {@code zFirst + m*zStep} and
     * writes dx at {@code dxFirst + m*dxStep}.
     */
    private static void gatherRow(float[] z, float[] w, float[] dx, int[] zOff, int[] wOff, int chOff, int zFirst,
                                  int zStep, int dxFirst, int dxStep, int cells) {
        final int blockedEnd = cells >= 4 ? cells : 0;
        for (int start = 0; start < blockedEnd; start += 4) {
            final int m = Math.min(start, cells - 4);   // the last block may overlap the one before
            final int zb = zFirst + m * zStep;
            FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
            for (int u = 0; u < zOff.length; u++) {
                FloatVector wv = FloatVector.fromArray(S, w, wOff[u] + chOff);
                int zi = zb - zOff[u];
                a0 = FloatVector.fromArray(S, z, zi).fma(wv, a0);
                a1 = FloatVector.fromArray(S, z, zi + zStep).fma(wv, a1);
                a2 = FloatVector.fromArray(S, z, zi + 2 * zStep).fma(wv, a2);
                a3 = FloatVector.fromArray(S, z, zi + 3 * zStep).fma(wv, a3);
            }
            int o = dxFirst + m * dxStep;
            dx[o] = a0.reduceLanes(VectorOperators.ADD);
            dx[o + dxStep] = a1.reduceLanes(VectorOperators.ADD);
            dx[o + 2 * dxStep] = a2.reduceLanes(VectorOperators.ADD);
            dx[o + 3 * dxStep] = a3.reduceLanes(VectorOperators.ADD);
        }
        for (int m = blockedEnd; m < cells; m++) {
            final int zb = zFirst + m * zStep;
            FloatVector a0 = FloatVector.zero(S);
            for (int u = 0; u < zOff.length; u++) {
                a0 = FloatVector.fromArray(S, z, zb - zOff[u]).fma(FloatVector.fromArray(S, w, wOff[u] + chOff), a0);
            }
            dx[dxFirst + m * dxStep] = a0.reduceLanes(VectorOperators.ADD);
        }
    }

    /**
     * {@link #gatherRow} for all three channels of an RGB layer at once: each Z vector loaded serves
     * three FMAs (twelve accumulators for four cells), where one channel at a time loads it three times.
     */
    private static void gatherRowRgb(float[] z, float[] w, float[] dx, int[] zOff, int[] wOff, int fp, int zFirst,
                                     int zStep, int dxFirst, int dxStep, int cells) {
        final int blockedEnd = cells >= 4 ? cells : 0;
        for (int start = 0; start < blockedEnd; start += 4) {
            final int m = Math.min(start, cells - 4);
            final int zb = zFirst + m * zStep;
            FloatVector r0 = FloatVector.zero(S), r1 = r0, r2 = r0, r3 = r0;
            FloatVector g0 = r0, g1 = r0, g2 = r0, g3 = r0;
            FloatVector b0 = r0, b1 = r0, b2 = r0, b3 = r0;
            for (int u = 0; u < zOff.length; u++) {
                int wi = wOff[u];
                FloatVector wr = FloatVector.fromArray(S, w, wi);
                FloatVector wg = FloatVector.fromArray(S, w, wi + fp);
                FloatVector wb = FloatVector.fromArray(S, w, wi + 2 * fp);
                int zi = zb - zOff[u];
                FloatVector z0 = FloatVector.fromArray(S, z, zi), z1 = FloatVector.fromArray(S, z, zi + zStep);
                FloatVector z2 = FloatVector.fromArray(S, z, zi + 2 * zStep), z3 = FloatVector.fromArray(S, z, zi + 3 * zStep);
                r0 = z0.fma(wr, r0);
                g0 = z0.fma(wg, g0);
                b0 = z0.fma(wb, b0);
                r1 = z1.fma(wr, r1);
                g1 = z1.fma(wg, g1);
                b1 = z1.fma(wb, b1);
                r2 = z2.fma(wr, r2);
                g2 = z2.fma(wg, g2);
                b2 = z2.fma(wb, b2);
                r3 = z3.fma(wr, r3);
                g3 = z3.fma(wg, g3);
                b3 = z3.fma(wb, b3);
            }
            int o = dxFirst + m * dxStep;
            storeRgb(dx, o, r0, g0, b0);
            storeRgb(dx, o + dxStep, r1, g1, b1);
            storeRgb(dx, o + 2 * dxStep, r2, g2, b2);
            storeRgb(dx, o + 3 * dxStep, r3, g3, b3);
        }
        for (int m = blockedEnd; m < cells; m++) {
            final int zb = zFirst + m * zStep;
            FloatVector r = FloatVector.zero(S), gr = r, b = r;
            for (int u = 0; u < zOff.length; u++) {
                int wi = wOff[u];
                FloatVector zv = FloatVector.fromArray(S, z, zb - zOff[u]);
                r = zv.fma(FloatVector.fromArray(S, w, wi), r);
                gr = zv.fma(FloatVector.fromArray(S, w, wi + fp), gr);
                b = zv.fma(FloatVector.fromArray(S, w, wi + 2 * fp), b);
            }
            storeRgb(dx, dxFirst + m * dxStep, r, gr, b);
        }
    }

    private static void storeRgb(float[] dx, int o, FloatVector r, FloatVector g, FloatVector b) {
        dx[o] = r.reduceLanes(VectorOperators.ADD);
        dx[o + 1] = g.reduceLanes(VectorOperators.ADD);
        dx[o + 2] = b.reduceLanes(VectorOperators.ADD);
    }

    /** Moves cell rows of stride fp down to stride f, in place, when the filters were padded. */
    private static void compact(float[] tile, Plan p) {
        int f = p.g().f(), fp = p.fp();
        if (f == fp) {
            return;
        }
        for (int cell = 1; cell < p.g().cellsPerImage(); cell++) {
            System.arraycopy(tile, cell * fp, tile, cell * f, f);
        }
    }
}
