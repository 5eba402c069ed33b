package io.convnb.ops;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max and average pooling on FLOAT tensors, the training hot path, one image at a time on the cores
 * ({@link ImageParts}): each image is read in bulk from native memory into a per-thread float buffer,
 * pooled, and written in bulk straight into the result. Inputs are C-order arrays from offset 0
 * ({@link OpChecks#plain}). (The general path in {@link Pool2DOps}
 * converts the whole batch through doubles on one thread; a single-threaded float version still took
 * 3-10x PyTorch's time on (32, 56, 56, 64).) Same semantics as the general path: padded cells never
 * win a max window and on ties the first cell in row-major order wins; an average window divides by
 * its valid cells. Windows never cross images, so each image's gradient is computed by one thread
 * alone and results do not depend on the thread count.
 */
final class MaxPoolFloat {
    private MaxPoolFloat() {
    }

    /**
     * Max pooling. Only the maxima are computed ({@code Math.max} over channels, which the JIT
     * vectorizes); recording the winning cell here, a compare-and-branch per element, took 5-10x as long.
     * The backward pass finds the winners again from the kept input.
     */
    static PoolResult forward(INDArray x, int ph, int pw, Conv2DSpec spec, ConvGeometry g) {
        INDArray plain = OpChecks.plain(x);
        FloatBuffer src = plain.data().asNioFloat();
        final int c = g.c();
        int inImage = g.h() * g.w() * c;
        int outImage = g.oh() * g.ow() * c;
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), c}, 'c');
        FloatBuffer dst = result.data().asNioFloat();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch scratch = Scratch.get();
                float[] in = scratch.floats("pool.in", inImage);
                float[] out = scratch.floats("pool.out", outImage);
                for (int n = first; n < first + count; n++) {
                    src.get(n * inImage, in, 0, inImage);
                    maxImage(in, out, ph, pw, g);
                    dst.put(n * outImage, out, 0, outImage);
                }
            });
        } finally {
            KeepAlive.fence(plain, result);
        }
        return new PoolResult(result, null, x.shape(), plain, ph, pw, spec);
    }

    /** One image: the maximum of every window's valid cells. */
    private static void maxImage(float[] in, float[] out, int ph, int pw, ConvGeometry g) {
        final int c = g.c();
        final int w = g.w();
        int o = 0;
        for (int oh = 0; oh < g.oh(); oh++) {
            int h0 = Math.max(0, oh * g.sh() - g.pt());
            int h1 = Math.min(g.h(), oh * g.sh() - g.pt() + ph);
            for (int ow = 0; ow < g.ow(); ow++, o += c) {
                int w0 = Math.max(0, ow * g.sw() - g.pl());
                int w1 = Math.min(w, ow * g.sw() - g.pl() + pw);
                System.arraycopy(in, (h0 * w + w0) * c, out, o, c);
                for (int ih = h0; ih < h1; ih++) {
                    for (int iw = (ih == h0 ? w0 + 1 : w0); iw < w1; iw++) {
                        int cell = (ih * w + iw) * c;
                        for (int ch = 0; ch < c; ch++) {
                            out[o + ch] = Math.max(out[o + ch], in[cell + ch]);
                        }
                    }
                }
            }
        }
    }

    /**
     * Gradient of {@link #forward}: each dy element goes to the first cell of its window (row-major) that
     * holds the window's maximum, the cell that wins under "later cells win only if strictly greater".
     */
    static INDArray backward(PoolResult r, INDArray dy, ConvGeometry g) {
        int ph = r.poolH();
        int pw = r.poolW();
        INDArray plain = OpChecks.plain(dy);
        FloatBuffer gySrc = plain.data().asNioFloat();
        INDArray input = r.input();
        INDArray output = OpChecks.plain(r.output());
        FloatBuffer xSrc = input.data().asNioFloat();
        FloatBuffer ySrc = output.data().asNioFloat();
        final int c = g.c();
        final int w = g.w();
        int inImage = g.h() * w * c;
        int outImage = g.oh() * g.ow() * c;
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, r.inputShape(), 'c');
        FloatBuffer dst = result.data().asNioFloat();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch scratch = Scratch.get();
                float[] in = scratch.floats("pool.in", inImage);
                float[] dx = scratch.floats("pool.dx", inImage);
                float[] y = scratch.floats("pool.out", outImage);
                float[] gy = scratch.floats("pool.dy", outImage);
                float[] open = scratch.floats("pool.open", c);
                for (int n = first; n < first + count; n++) {
                    xSrc.get(n * inImage, in, 0, inImage);
                    ySrc.get(n * outImage, y, 0, outImage);
                    gySrc.get(n * outImage, gy, 0, outImage);
                    Arrays.fill(dx, 0, inImage, 0f);
                    int o = 0;
                    for (int oh = 0; oh < g.oh(); oh++) {
                        int h0 = Math.max(0, oh * g.sh() - g.pt());
                        int h1 = Math.min(g.h(), oh * g.sh() - g.pt() + ph);
                        for (int ow = 0; ow < g.ow(); ow++, o += c) {
                            int w0 = Math.max(0, ow * g.sw() - g.pl());
                            int w1 = Math.min(w, ow * g.sw() - g.pl() + pw);
                            // open[ch] = 1 until the channel's winner is found; branch-free so it vectorizes.
                            Arrays.fill(open, 0, c, 1f);
                            for (int ih = h0; ih < h1; ih++) {
                                for (int iw = w0; iw < w1; iw++) {
                                    int cell = (ih * w + iw) * c;
                                    for (int ch = 0; ch < c; ch++) {
                                        float hit = in[cell + ch] == y[o + ch] ? open[ch] : 0f;
                                        dx[cell + ch] += hit * gy[o + ch];
                                        open[ch] -= hit;
                                    }
                                }
                            }
                        }
                    }
                    dst.put(n * inImage, dx, 0, inImage);
                }
            });
        } finally {
            KeepAlive.fence(plain, input, output, result);
        }
        return result;
    }

    /** Average pooling over the valid cells of each window. */
    static INDArray avgForward(INDArray x, int ph, int pw, ConvGeometry g) {
        INDArray plain = OpChecks.plain(x);
        FloatBuffer src = plain.data().asNioFloat();
        int base = Math.toIntExact(plain.offset());
        final int c = g.c();
        int inImage = g.h() * g.w() * c;
        int outImage = g.oh() * g.ow() * c;
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), c}, 'c');
        FloatBuffer dst = result.data().asNioFloat();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch scratch = Scratch.get();
                float[] in = scratch.floats("pool.in", inImage);
                float[] out = scratch.floats("pool.out", outImage);
                for (int n = first; n < first + count; n++) {
                    src.get(base + n * inImage, in, 0, inImage);
                    int o = 0;
                    for (int oh = 0; oh < g.oh(); oh++) {
                        int h0 = Math.max(0, oh * g.sh() - g.pt()), h1 = Math.min(g.h(), oh * g.sh() - g.pt() + ph);
                        for (int ow = 0; ow < g.ow(); ow++, o += c) {
                            int w0 = Math.max(0, ow * g.sw() - g.pl()), w1 = Math.min(g.w(), ow * g.sw() - g.pl() + pw);
                            float inv = (float) (1.0 / ((h1 - h0) * (w1 - w0)));
                            Arrays.fill(out, o, o + c, 0f);
                            for (int ih = h0; ih < h1; ih++) {
                                for (int iw = w0; iw < w1; iw++) {
                                    int cell = (ih * g.w() + iw) * c;
                                    for (int ch = 0; ch < c; ch++) {
                                        out[o + ch] += in[cell + ch];
                                    }
                                }
                            }
                            for (int ch = 0; ch < c; ch++) {
                                out[o + ch] *= inv;
                            }
                        }
                    }
                    dst.put(n * outImage, out, 0, outImage);
                }
            });
        } finally {
            KeepAlive.fence(plain, result);
        }
        return result;
    }

    /** Gradient of {@link #avgForward}: each dy element is shared equally by its window's valid cells. */
    static INDArray avgBackward(INDArray dy, ConvGeometry g, int ph, int pw) {
        INDArray plain = OpChecks.plain(dy);
        FloatBuffer src = plain.data().asNioFloat();
        int base = Math.toIntExact(plain.offset());
        final int c = g.c();
        int inImage = g.h() * g.w() * c;
        int outImage = g.oh() * g.ow() * c;
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.h(), g.w(), c}, 'c');
        FloatBuffer dst = result.data().asNioFloat();
        try {
            ImageParts.run(g.n(), (chunk, first, count) -> {
                Scratch scratch = Scratch.get();
                float[] gy = scratch.floats("pool.dy", outImage);
                float[] dx = scratch.floats("pool.dx", inImage);
                for (int n = first; n < first + count; n++) {
                    src.get(base + n * outImage, gy, 0, outImage);
                    Arrays.fill(dx, 0, inImage, 0f);
                    int o = 0;
                    for (int oh = 0; oh < g.oh(); oh++) {
                        int h0 = Math.max(0, oh * g.sh() - g.pt()), h1 = Math.min(g.h(), oh * g.sh() - g.pt() + ph);
                        for (int ow = 0; ow < g.ow(); ow++, o += c) {
                            int w0 = Math.max(0, ow * g.sw() - g.pl()), w1 = Math.min(g.w(), ow * g.sw() - g.pl() + pw);
                            float inv = (float) (1.0 / ((h1 - h0) * (w1 - w0)));
                            for (int ih = h0; ih < h1; ih++) {
                                for (int iw = w0; iw < w1; iw++) {
                                    int cell = (ih * g.w() + iw) * c;
                                    for (int ch = 0; ch < c; ch++) {
                                        dx[cell + ch] += gy[o + ch] * inv;
                                    }
                                }
                            }
                        }
                    }
                    dst.put(n * inImage, dx, 0, inImage);
                }
            });
        } finally {
            KeepAlive.fence(plain, result);
        }
        return result;
    }
}
