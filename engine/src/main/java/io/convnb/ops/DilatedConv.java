package io.convnb.ops;

import java.nio.FloatBuffer;
import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A dilated stride-1 convolution as an undilated one over sub-images ("space to batch", as TensorFlow
 * runs atrous convolutions), so that libnd4j's oneDNN op, which rejects dilated descriptors, can run it.
 *
 * <p>Output cell {@code (a + dh*p, b + dw*q)} with {@code 0 <= a < dh}, {@code 0 <= b < dw} reads padded
 * input rows {@code a + dh*(p + i)} and columns {@code b + dw*(q + j)} for taps (i, j): so with the
 * sub-image {@code S_ab[u, v] = xpad[a + dh*u, b + dw*v]} it is the undilated valid convolution
 * {@code sum_{i,j} S_ab[p + i, q + j] * W[i, j]}. The dh*dw sub-images of every image form one batch of
 * {@code dh*dw*N} images of {@code (ceil(OH/dh) + kh - 1) x (ceil(OW/dw) + kw - 1)} cells (zeros beyond
 * the input), ordered (a, b, n). FLOAT only; the copies cost about one pass over input and output.
 */
final class DilatedConv {
    private DilatedConv() {
    }

    /** Whether this geometry can run here: FLOAT, one group, stride 1, some dilation. */
    static boolean applies(ConvGeometry g, DataType type) {
        return type == DataType.FLOAT && g.groups() == 1 && g.sh() == 1 && g.sw() == 1 && (g.dh() > 1 || g.dw() > 1)
                && (long) g.dh() * g.dw() * g.n() * subHeight(g) * subWidth(g) * Math.max(g.c(), g.f()) <= Integer.MAX_VALUE
                && (long) g.n() * g.h() * g.w() * g.c() <= Integer.MAX_VALUE;
    }

    private static int subHeight(ConvGeometry g) {
        return (g.oh() + g.dh() - 1) / g.dh() + g.kh() - 1;
    }

    private static int subWidth(ConvGeometry g) {
        return (g.ow() + g.dw() - 1) / g.dw() + g.kw() - 1;
    }

    /** The undilated valid convolution over the sub-image batch. */
    private static ConvGeometry subGeometry(ConvGeometry g) {
        int hs = subHeight(g), ws = subWidth(g);
        return new ConvGeometry(g.dh() * g.dw() * g.n(), hs, ws, g.c(), hs - g.kh() + 1, ws - g.kw() + 1, g.f(),
                g.kh(), g.kw(), 1, 1, 1, 1, 0, 0, 1);
    }

    /** x (n,h,w,c) -> y (n,oh,ow,f) with the bias added, through oneDNN's conv2d on the sub-images. */
    static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g) {
        ConvGeometry sg = subGeometry(g);
        INDArray sub = toSubImages(OpChecks.plain(x), g, sg);
        INDArray ys = BuiltinConv.forward(sub, OpChecks.plain(kernel), biasOrNull, sg, Conv2DSpec.unit(), 0);
        return fromSubOutputs(ys, g, sg);
    }

    /** dx of {@link #forward} for dy (n,oh,ow,f): oneDNN's deconvolution on the sub-images. */
    static INDArray inputGradient(INDArray dy, INDArray kernel, ConvGeometry g) {
        ConvGeometry sg = subGeometry(g);
        INDArray dys = toSubOutputs(OpChecks.plain(dy), g, sg);
        INDArray dsub = BuiltinConv.inputGradient(dys, OpChecks.plain(kernel), sg, Conv2DSpec.unit());
        return fromSubImages(dsub, g, sg);
    }

    /**
     * dx, dKernel and (with a bias) dBias of {@link #forward} for dy (n,oh,ow,f) in one call of libnd4j's
     * {@code conv2d_bp} on the sub-images: sub-output cells beyond y carry zero gradient, so they add
     * nothing to the kernel and bias gradients.
     */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, ConvGeometry g, boolean hasBias) {
        ConvGeometry sg = subGeometry(g);
        INDArray sub = toSubImages(OpChecks.plain(x), g, sg);
        INDArray dys = toSubOutputs(OpChecks.plain(dy), g, sg);
        ConvGradients s = BuiltinConv.backward(sub, OpChecks.plain(kernel), dys, hasBias, sg, Conv2DSpec.unit(), 0);
        return new ConvGradients(fromSubImages(s.input(), g, sg), s.kernel(), s.bias());
    }

    /** S[(a*dw + b)*n + m, u, v, :] = x[m, a + dh*u - pt, b + dw*v - pl, :], zero outside x. */
    private static INDArray toSubImages(INDArray x, ConvGeometry g, ConvGeometry sg) {
        return rearrange(x, g, g.h() * g.w() * g.c(), sg.h() * sg.w() * g.c(), true,
                new long[] {sg.n(), sg.h(), sg.w(), g.c()}, (image, sub, m) -> moveInputs(image, sub, g, sg, m, true));
    }

    /** dx[m, r, col, :] = dS[..] for the one sub-image cell that read input cell (r, col); zero for cells no window reads. */
    private static INDArray fromSubImages(INDArray dsub, ConvGeometry g, ConvGeometry sg) {
        return rearrange(OpChecks.plain(dsub), g, g.h() * g.w() * g.c(), sg.h() * sg.w() * g.c(), false,
                new long[] {g.n(), g.h(), g.w(), g.c()}, (image, sub, m) -> moveInputs(image, sub, g, sg, m, false));
    }

    /** y[m, a + dh*p, b + dw*q, :] = Ys[(a*dw + b)*n + m, p, q, :] for the cells inside y. */
    private static INDArray fromSubOutputs(INDArray ys, ConvGeometry g, ConvGeometry sg) {
        return rearrange(OpChecks.plain(ys), g, g.oh() * g.ow() * g.f(), sg.oh() * sg.ow() * g.f(), false,
                new long[] {g.n(), g.oh(), g.ow(), g.f()}, (image, sub, m) -> moveOutputs(sub, image, g, sg, m, true));
    }

    /** The inverse arrangement of dy; sub-output cells beyond y get zero gradient. */
    private static INDArray toSubOutputs(INDArray dy, ConvGeometry g, ConvGeometry sg) {
        return rearrange(dy, g, g.oh() * g.ow() * g.f(), sg.oh() * sg.ow() * g.f(), true,
                new long[] {sg.n(), sg.oh(), sg.ow(), g.f()}, (image, sub, m) -> moveOutputs(sub, image, g, sg, m, false));
    }

    /** Copies the cells of image m between an image batch and its sub-image batch (heap arrays of the whole batches). */
    private interface ImageMove {
        void run(float[] image, float[] sub, int m);
    }

    /**
     * One rearrangement between image order (n images of {@code imageLen} floats, batch index m) and
     * sub-image order (dh*dw*n blocks of {@code subLen} floats, block {@code (a*dw + b)*n + m}) into a new
     * tensor of {@code destShape}, in either direction ({@code toSub}), on the cores
     * ({@link ConvGemm#forEachPart}): every image and its dh*dw blocks belong to one part, which loads its
     * own source cells from native memory, zeroes its destination cells, moves them and stores them. The
     * cell copies are the same whichever thread runs them, so the result does not depend on the split.
     */
    private static INDArray rearrange(INDArray source, ConvGeometry g, int imageLen, int subLen, boolean toSub,
                                      long[] destShape, ImageMove move) {
        int n = g.n(), phases = g.dh() * g.dw();
        Scratch scratch = Scratch.get();
        float[] image = scratch.floats("dilated.image", n * imageLen);
        float[] sub = scratch.floats("dilated.sub", phases * n * subLen);
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, destShape, 'c');
        ConvGemm.forEachPart(n, imageLen * phases, (first, count) -> {
            FloatBuffer src = source.data().asNioFloat(), dst = out.data().asNioFloat();
            int imageAt = first * imageLen, images = count * imageLen, blocks = count * subLen;
            if (toSub) {
                src.get(imageAt, image, imageAt, images);
                for (int p = 0; p < phases; p++) {
                    int blockAt = (p * n + first) * subLen;
                    Arrays.fill(sub, blockAt, blockAt + blocks, 0f);
                }
            } else {
                for (int p = 0; p < phases; p++) {
                    int blockAt = (p * n + first) * subLen;
                    src.get(blockAt, sub, blockAt, blocks);
                }
                Arrays.fill(image, imageAt, imageAt + images, 0f);
            }
            for (int m = first; m < first + count; m++) {
                move.run(image, sub, m);
            }
            if (toSub) {
                for (int p = 0; p < phases; p++) {
                    int blockAt = (p * n + first) * subLen;
                    dst.put(blockAt, sub, blockAt, blocks);
                }
            } else {
                dst.put(imageAt, image, imageAt, images);
            }
        });
        KeepAlive.fence(source);
        return out;
    }

    /**
     * Copies the cells of image m between an image batch (n, h, w, c) and its sub-image batch: sub-image
     * cell (u, v) of phase (a, b) is input cell (a + dh*u - pt, b + dw*v - pl); cells outside the input are
     * left as they are (zero). {@code toSub} picks the direction.
     */
    private static void moveInputs(float[] image, float[] sub, ConvGeometry g, ConvGeometry sg, int m, boolean toSub) {
        int c = g.c();
        for (int a = 0; a < g.dh(); a++) {
            for (int b = 0; b < g.dw(); b++) {
                int bi = (a * g.dw() + b) * g.n() + m;
                for (int u = 0; u < sg.h(); u++) {
                    int r = a + g.dh() * u - g.pt();
                    if (r < 0 || r >= g.h()) {
                        continue;
                    }
                    for (int v = 0; v < sg.w(); v++) {
                        int col = b + g.dw() * v - g.pl();
                        if (col >= 0 && col < g.w()) {
                            int ii = ((m * g.h() + r) * g.w() + col) * c, si = ((bi * sg.h() + u) * sg.w() + v) * c;
                            if (toSub) {
                                System.arraycopy(image, ii, sub, si, c);
                            } else {
                                System.arraycopy(sub, si, image, ii, c);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Copies the cells of image m between sub-output cells and output cells, in either direction. */
    private static void moveOutputs(float[] sub, float[] out, ConvGeometry g, ConvGeometry sg, int m, boolean toOut) {
        int f = g.f();
        for (int a = 0; a < g.dh(); a++) {
            for (int b = 0; b < g.dw(); b++) {
                int bi = (a * g.dw() + b) * g.n() + m;
                for (int p = 0; a + g.dh() * p < g.oh(); p++) {
                    int oh = a + g.dh() * p;
                    for (int q = 0; b + g.dw() * q < g.ow(); q++) {
                        int ow = b + g.dw() * q;
                        int si = ((bi * sg.oh() + p) * sg.ow() + q) * f, oi = ((m * g.oh() + oh) * g.ow() + ow) * f;
                        if (toOut) {
                            System.arraycopy(sub, si, out, oi, f);
                        } else {
                            System.arraycopy(out, oi, sub, si, f);
                        }
                    }
                }
            }
        }
    }
}
