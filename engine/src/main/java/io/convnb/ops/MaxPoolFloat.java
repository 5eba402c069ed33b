package io.convnb.ops;

import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max pooling on FLOAT tensors, the training hot path: the input is read once in bulk into a reused
 * float buffer, and the result is written straight into a fresh native array. (The general path in
 * {@link Pool2DOps} converts through doubles, which allocates two large Java arrays per call; for
 * (64, 26, 26, 32) that made pooling the slowest part of a training step.) Same semantics: padded
 * cells never win and on ties the first cell in row-major order wins.
 */
final class MaxPoolFloat {
    private MaxPoolFloat() {
    }

    static PoolResult forward(INDArray x, int ph, int pw, ConvGeometry g) {
        INDArray plain = OpChecks.plain(x);
        int inLen = Math.toIntExact(plain.length());
        Scratch scratch = Scratch.get();
        float[] in = scratch.floats("maxpool.in", inLen);
        plain.data().asNioFloat().get(Math.toIntExact(plain.offset()), in, 0, inLen);
        final int c = g.c();
        int outLen = g.n() * g.oh() * g.ow() * c;
        float[] out = scratch.floats("maxpool.out", outLen);
        int[] argmax = new int[outLen];
        int o = 0;
        for (int n = 0; n < g.n(); n++) {
            for (int oh = 0; oh < g.oh(); oh++) {
                int h0 = Math.max(0, oh * g.sh() - g.pt());
                int h1 = Math.min(g.h(), oh * g.sh() - g.pt() + ph);
                for (int ow = 0; ow < g.ow(); ow++, o += c) {
                    int w0 = Math.max(0, ow * g.sw() - g.pl());
                    int w1 = Math.min(g.w(), ow * g.sw() - g.pl() + pw);
                    // The first valid cell (row-major) seeds the window; later cells win only if strictly greater.
                    int first = ((n * g.h() + h0) * g.w() + w0) * c;
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] = in[first + ch];
                        argmax[o + ch] = first + ch;
                    }
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = (ih == h0 ? w0 + 1 : w0); iw < w1; iw++) {
                            int base = ((n * g.h() + ih) * g.w() + iw) * c;
                            for (int ch = 0; ch < c; ch++) {
                                float v = in[base + ch];
                                if (v > out[o + ch]) {
                                    out[o + ch] = v;
                                    argmax[o + ch] = base + ch;
                                }
                            }
                        }
                    }
                }
            }
        }
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), c}, 'c');
        result.data().asNioFloat().put(0, out, 0, outLen);
        return new PoolResult(result, argmax, x.shape());
    }

    static INDArray backward(PoolResult r, INDArray dy) {
        INDArray plain = OpChecks.plain(dy);
        int outLen = Math.toIntExact(plain.length());
        int inLen = Math.toIntExact(io.convnb.shape.Shapes.product(r.inputShape()));
        Scratch scratch = Scratch.get();
        float[] g = scratch.floats("maxpool.dy", outLen);
        plain.data().asNioFloat().get(Math.toIntExact(plain.offset()), g, 0, outLen);
        float[] dx = scratch.floats("maxpool.dx", inLen);
        Arrays.fill(dx, 0, inLen, 0f);
        int[] argmax = r.argmax();
        for (int o = 0; o < outLen; o++) {
            dx[argmax[o]] += g[o];
        }
        INDArray result = Nd4j.createUninitialized(DataType.FLOAT, r.inputShape(), 'c');
        result.data().asNioFloat().put(0, dx, 0, inLen);
        return result;
    }
}
