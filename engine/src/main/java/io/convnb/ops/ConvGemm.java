package io.convnb.ops;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The im2col + GEMM convolution: the three products a conv layer needs, each as a few large
 * GEMMs over chunks of images.
 * <ul>
 *   <li>forward: {@code Y = cols(X) · W} with W the kernel as a (K, F) matrix;</li>
 *   <li>weight gradient: {@code dW = cols(X)ᵀ · dY};</li>
 *   <li>input gradient: {@code dX = col2im(dY · Wᵀ)}.</li>
 * </ul>
 * All tensors are plain C-ordered (see {@link OpChecks#plain}); shapes are not re-checked here.
 */
final class ConvGemm {
    /**
     * Patch-matrix elements per chunk: large enough for efficient GEMMs, small enough to stay in memory
     * ({@link #defaultChunkElements}). Not final so that tests can force many small chunks.
     */
    static volatile long chunkElements = defaultChunkElements();

    /**
     * A sixteenth of the off-heap memory JavaCPP allows this process (which the kernels size from the
     * container's memory limit), as float elements, between 4 Mi (16 MiB) and 32 Mi (128 MiB): about
     * 12 Mi on a 2 GiB Binder pod. The kernel gradient's GEMM runs once per chunk with a reduction over
     * the chunk's rows, and fewer, longer GEMMs are faster: on (16,64,64,32) 3x3 dilation 2 the kernel
     * gradient took 21 ms in chunks of 4 Mi elements and 13 ms in one chunk of 19 Mi, on (64,1000,64) x64
     * kernel 5 31 and 22 ms, on (16,28,28,128) x128 3x3 28 and 19 ms (AMD EPYC; whole layers inside a
     * training step gained 4-17 %). The patch buffer is kept per thread for reuse.
     */
    static long defaultChunkElements() {
        long elements = org.bytedeco.javacpp.Pointer.maxBytes() / 16 / Float.BYTES;
        return Math.max(1L << 22, Math.min(1L << 25, elements));
    }

    private ConvGemm() {
    }

    /** Images per chunk so that the chunk's patch matrix stays within {@link #chunkElements}. */
    static int imagesPerChunk(ConvGeometry g) {
        long perImage = (long) g.cellsPerImage() * g.k();
        return (int) Math.max(1, Math.min(g.n(), chunkElements / Math.max(1, perImage)));
    }

    /**
     * Whether the patch matrix is the input itself, viewed as (n*h*w, c): a 1x1 kernel at stride 1 with
     * no padding and one group. Such a convolution is one GEMM per product with no copy at all
     * (a strided or padded 1x1 still goes through im2col, which is then a subsample).
     */
    static boolean inputIsPatchMatrix(ConvGeometry g) {
        return g.kh() == 1 && g.kw() == 1 && g.sh() == 1 && g.sw() == 1 && g.groups() == 1
                && g.pt() == 0 && g.pl() == 0 && g.oh() == g.h() && g.ow() == g.w();
    }

    /** x (n,h,w,c), w2 (K, f) -> y (n,oh,ow,f). */
    static INDArray forward(INDArray x, INDArray w2, ConvGeometry g) {
        DataType type = x.dataType();
        if (inputIsPatchMatrix(g)) {
            INDArray y2 = Nd4j.createUninitialized(type, new long[] {(long) g.n() * g.cellsPerImage(), g.f()}, 'c');
            Nd4j.gemm(x.reshape('c', (long) g.n() * g.cellsPerImage(), g.c()), w2, y2, false, false, 1.0, 0.0);
            return y2.reshape('c', g.n(), g.oh(), g.ow(), g.f());
        }
        // Uninitialized: the GEMMs (beta = 0) or the group assignments write every element. (A fresh
        // output still costs about 0.6 ms per MB on this machine class, zeroed or not: new pages.)
        // Allocated 2-D because a GEMM into a reshaped view took three times as long on small shapes.
        long cells = (long) g.n() * g.cellsPerImage();
        INDArray y2 = Nd4j.createUninitialized(type, new long[] {cells, g.f()}, 'c');
        Scratch scratch = Scratch.get();
        JavaCopy xs = JavaCopy.of(x, "x");
        int per = imagesPerChunk(g);
        for (int group = 0; group < g.groups(); group++) {
            INDArray wg = groupColumns(w2, g, group);
            for (int n0 = 0; n0 < g.n(); n0 += per) {
                int count = Math.min(per, g.n() - n0);
                long rows = (long) count * g.cellsPerImage();
                long r0 = (long) n0 * g.cellsPerImage();
                INDArray cols = scratch.matrix("cols", type, rows, g.k());
                xs.im2col(n0, count, g, group, cols);
                if (g.groups() == 1) {
                    INDArray target = rows == cells ? y2 : y2.get(interval(r0, r0 + rows), all());
                    Nd4j.gemm(cols, wg, target, false, false, 1.0, 0.0);
                } else {
                    INDArray out = scratch.matrix("groupOut", type, rows, g.fg());
                    Nd4j.gemm(cols, wg, out, false, false, 1.0, 0.0);
                    y2.get(interval(r0, r0 + rows), interval(group * g.fg(), (group + 1) * g.fg())).assign(out);
                }
            }
        }
        return y2.reshape('c', g.n(), g.oh(), g.ow(), g.f());
    }

    /** x (n,h,w,c), dy2 (n*oh*ow, f) -> dW (K, f). */
    static INDArray weightGradient(INDArray x, INDArray dy2, ConvGeometry g) {
        DataType type = x.dataType();
        // Uninitialized: the first chunk's GEMM runs with beta = 0 and overwrites every element.
        INDArray dw = Nd4j.createUninitialized(type, new long[] {g.k(), g.f()}, 'c');
        if (inputIsPatchMatrix(g)) {
            Nd4j.gemm(x.reshape('c', (long) g.n() * g.cellsPerImage(), g.c()), dy2, dw, true, false, 1.0, 0.0);
            return dw;
        }
        Scratch scratch = Scratch.get();
        JavaCopy xs = JavaCopy.of(x, "x");
        int per = imagesPerChunk(g);
        for (int group = 0; group < g.groups(); group++) {
            INDArray dwg = g.groups() == 1 ? dw : scratch.matrix("groupDw", type, g.k(), g.fg());
            for (int n0 = 0; n0 < g.n(); n0 += per) {
                int count = Math.min(per, g.n() - n0);
                long rows = (long) count * g.cellsPerImage();
                long r0 = (long) n0 * g.cellsPerImage();
                INDArray cols = scratch.matrix("cols", type, rows, g.k());
                xs.im2col(n0, count, g, group, cols);
                INDArray dyc = chunkColumns(dy2, r0, rows, g, group);
                // beta = 1 after the first chunk: the GEMM accumulates over the batch in place.
                Nd4j.gemm(cols, dyc, dwg, true, false, 1.0, n0 == 0 ? 0.0 : 1.0);
            }
            if (g.groups() > 1) {
                dw.get(all(), interval(group * g.fg(), (group + 1) * g.fg())).assign(dwg);
            }
        }
        return dw;
    }

    /** dy2 (n*oh*ow, f), w2 (K, f) -> dx (n,h,w,c). */
    static INDArray inputGradient(INDArray dy2, INDArray w2, ConvGeometry g) {
        DataType type = dy2.dataType();
        if (inputIsPatchMatrix(g)) {
            INDArray dx2 = Nd4j.createUninitialized(type, new long[] {(long) g.n() * g.cellsPerImage(), g.c()}, 'c');
            Nd4j.gemm(dy2, w2, dx2, false, true, 1.0, 0.0);
            return dx2.reshape('c', g.n(), g.h(), g.w(), g.c());
        }
        Scratch scratch = Scratch.get();
        JavaCopy dx = JavaCopy.zeros(type, (long) g.n() * g.h() * g.w() * g.c(), "dx");
        int per = imagesPerChunk(g);
        for (int group = 0; group < g.groups(); group++) {
            INDArray wg = groupColumns(w2, g, group);
            for (int n0 = 0; n0 < g.n(); n0 += per) {
                int count = Math.min(per, g.n() - n0);
                long rows = (long) count * g.cellsPerImage();
                long r0 = (long) n0 * g.cellsPerImage();
                INDArray dcols = scratch.matrix("cols", type, rows, g.k());
                Nd4j.gemm(chunkColumns(dy2, r0, rows, g, group), wg, dcols, false, true, 1.0, 0.0);
                dx.col2imAdd(dcols, n0, count, g, group);
            }
        }
        return dx.toArray(g.n(), g.h(), g.w(), g.c());
    }

    /**
     * Column sums of a (rows, cols) matrix as a (cols) vector: the bias gradient. Computed as the GEMM
     * ones(1, rows) · m; ND4J's sum(0) took 15-50 times as long on conv-sized matrices.
     */
    static INDArray columnSums(INDArray m) {
        INDArray sums = Nd4j.createUninitialized(m.dataType(), new long[] {1, m.size(1)}, 'c');
        Nd4j.gemm(Scratch.get().onesRow(m.dataType(), m.size(0)), m, sums, false, false, 1.0, 0.0);
        return sums.reshape(m.size(1));
    }

    /** The kernel columns of one group as a plain (K, f/groups) matrix. */
    private static INDArray groupColumns(INDArray w2, ConvGeometry g, int group) {
        return g.groups() == 1 ? w2 : w2.get(all(), interval(group * g.fg(), (group + 1) * g.fg())).dup('c');
    }

    /** Rows [r0, r0+rows) of dy2, restricted to one group's output channels. */
    private static INDArray chunkColumns(INDArray dy2, long r0, long rows, ConvGeometry g, int group) {
        INDArray chunk = dy2.get(interval(r0, r0 + rows), all());
        return g.groups() == 1 ? chunk : chunk.get(all(), interval(group * g.fg(), (group + 1) * g.fg())).dup('c');
    }

    /** Work on images [first, first+count) of a chunk (indices relative to the chunk). */
    @FunctionalInterface
    interface ImagePart {
        void run(int first, int count);
    }

    /**
     * Below this many patch elements a chunk is copied on the calling thread: forking costs more.
     * Not final so that tests can force the parallel path on small shapes.
     */
    static volatile int parallelMinElements = 1 << 18;

    /**
     * Runs a chunk's images in parallel through {@link ImageParts} (the copy loops are single-threaded
     * Java while the GEMMs use every core, so this keeps the serial share small). Every image is
     * written by one part only, so the split does not change the result.
     */
    static void forEachPart(int count, int elementsPerImage, ImagePart part) {
        if ((long) count * elementsPerImage < parallelMinElements) {
            part.run(0, count);
            return;
        }
        ImageParts.run(count, (chunk, first, images) -> part.run(first, images));
    }

    /** A Java-heap copy of a plain tensor (or a zeroed accumulator), in FLOAT or DOUBLE. */
    private static final class JavaCopy {
        private final DataType type;
        private final float[] f;
        private final double[] d;

        private JavaCopy(DataType type, float[] f, double[] d) {
            this.type = type;
            this.f = f;
            this.d = d;
        }

        static JavaCopy of(INDArray plain, String slot) {
            int len = (int) plain.length();
            Scratch s = Scratch.get();
            if (plain.dataType() == DataType.FLOAT) {
                float[] a = s.floats(slot, len);
                plain.data().asNioFloat().get(0, a, 0, len);
                KeepAlive.fence(plain);
                return new JavaCopy(DataType.FLOAT, a, null);
            }
            double[] a = s.doubles(slot, len);
            plain.data().asNioDouble().get(0, a, 0, len);
            KeepAlive.fence(plain);
            return new JavaCopy(DataType.DOUBLE, null, a);
        }

        static JavaCopy zeros(DataType type, long length, String slot) {
            int len = (int) length;
            Scratch s = Scratch.get();
            if (type == DataType.FLOAT) {
                float[] a = s.floats(slot, len);
                java.util.Arrays.fill(a, 0, len, 0f);
                return new JavaCopy(type, a, null);
            }
            double[] a = s.doubles(slot, len);
            java.util.Arrays.fill(a, 0, len, 0.0);
            return new JavaCopy(type, null, a);
        }

        void im2col(int n0, int count, ConvGeometry g, int group, INDArray cols) {
            int perImage = g.cellsPerImage() * g.k();
            try {
                forEachPart(count, perImage, (first, images) -> {
                    int dst = first * perImage;
                    if (type == DataType.FLOAT) {
                        Im2ColFloat.im2col(f, n0 + first, images, g, group, cols.data().asNioFloat(), dst);
                    } else {
                        Im2ColDouble.im2col(d, n0 + first, images, g, group, cols.data().asNioDouble(), dst);
                    }
                });
            } finally {
                KeepAlive.fence(cols);
            }
        }

        void col2imAdd(INDArray dcols, int n0, int count, ConvGeometry g, int group) {
            int len = (int) dcols.length(), perImage = g.cellsPerImage() * g.k();
            // Each part scatters into its own images of dx, so the parts never write the same element.
            try {
                if (type == DataType.FLOAT) {
                    float[] scratch = Scratch.get().floats("dcols", len);
                    forEachPart(count, perImage, (first, images) -> Im2ColFloat.col2imAdd(dcols.data().asNioFloat(),
                            first * perImage, scratch, n0 + first, images, g, group, f));
                } else {
                    double[] scratch = Scratch.get().doubles("dcols", len);
                    forEachPart(count, perImage, (first, images) -> Im2ColDouble.col2imAdd(dcols.data().asNioDouble(),
                            first * perImage, scratch, n0 + first, images, g, group, d));
                }
            } finally {
                KeepAlive.fence(dcols);
            }
        }

        INDArray toArray(long... shape) {
            long len = 1;
            for (long s : shape) {
                len *= s;
            }
            INDArray out = Nd4j.createUninitialized(type, shape, 'c');   // fully overwritten by the put below
            if (type == DataType.FLOAT) {
                out.data().asNioFloat().put(0, f, 0, (int) len);
            } else {
                out.data().asNioDouble().put(0, d, 0, (int) len);
            }
            return out;
        }
    }
}
