package io.convnb.ops;

import static io.convnb.ops.OpChecks.shape;

import java.util.Arrays;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max, average and global pooling on NHWC tensors, forward and backward.
 *
 * <p>Window (ph, pw); strides and the four pads come from a {@link Conv2DSpec} (dilation must be 1,
 * groups is ignored). Output size per axis: {@code OH = floor((H + padTop + padBottom - ph)/strideH) + 1}.
 * Padded cells never take part: a max window takes the largest valid cell, an average window
 * divides by the number of valid cells (Keras {@code padding="same"} semantics). Each pad must be
 * smaller than the window so that every window holds at least one valid cell.
 *
 * <p>Pooling is memory-bound: FLOAT tensors (training) go through libnd4j's pooling ops
 * ({@code NativePool}) where they can express the pads (symmetric or TensorFlow "same"), else through
 * {@code MaxPoolFloat}'s Java passes on all cores; other types through the plain loops here over a
 * double copy of the input, the readable reference. Results have the input's data type.
 */
public final class Pool2DOps {
    private Pool2DOps() {
    }

    /**
     * Max pooling; records what {@link #maxBackward} needs to send each gradient to the winning cell
     * of its window: the winners themselves, or for FLOAT tensors the input (see {@link PoolResult}).
     */
    public static PoolResult maxForward(INDArray x, int ph, int pw, Conv2DSpec s) {
        ConvGeometry g = geometry("Pool2DOps.maxForward", x, ph, pw, s);
        if (x.dataType() == DataType.FLOAT) {
            int[] args = NativePool.arguments(ph, pw, g, s);
            return args == null ? MaxPoolFloat.forward(x, ph, pw, s, g)
                    : new PoolResult(NativePool.forward(x, args, g, true), null, x.shape(), OpChecks.plain(x), ph, pw, s);
        }
        double[] in = FlatCopy.read(x);
        final int c = g.c();
        double[] out = new double[g.n() * g.oh() * g.ow() * c];
        int[] argmax = new int[out.length];
        Arrays.fill(argmax, -1);
        int o = 0;
        for (int n = 0; n < g.n(); n++) {
            for (int oh = 0; oh < g.oh(); oh++) {
                for (int ow = 0; ow < g.ow(); ow++, o += c) {
                    // Window cells in row-major order, channels innermost (contiguous in NHWC).
                    for (int i = 0; i < ph; i++) {
                        int ih = oh * g.sh() - g.pt() + i;
                        if (ih < 0 || ih >= g.h()) {
                            continue;
                        }
                        for (int j = 0; j < pw; j++) {
                            int iw = ow * g.sw() - g.pl() + j;
                            if (iw < 0 || iw >= g.w()) {
                                continue;
                            }
                            int base = ((n * g.h() + ih) * g.w() + iw) * c;
                            for (int ch = 0; ch < c; ch++) {
                                // Strictly greater: on ties the first cell in row-major order wins.
                                if (argmax[o + ch] < 0 || in[base + ch] > out[o + ch]) {
                                    out[o + ch] = in[base + ch];
                                    argmax[o + ch] = base + ch;
                                }
                            }
                        }
                    }
                }
            }
        }
        return new PoolResult(create(out, x.dataType(), g.n(), g.oh(), g.ow(), g.c()), argmax, x.shape());
    }

    /** Gradient of {@link #maxForward}: each dy element goes to the cell that won its window. */
    public static INDArray maxBackward(PoolResult r, INDArray dy) {
        String op = "Pool2DOps.maxBackward";
        if (r == null) {
            throw new IllegalArgumentException(op + ": PoolResult is null; pass the result of maxForward.");
        }
        OpChecks.sameShape(op, "dy", dy, r.output().shape());
        if (r.argmax() == null) {   // FLOAT forward: the winners are found again from the kept input
            ConvGeometry g = geometry(op, r.inputShape(), r.poolH(), r.poolW(), r.spec());
            INDArray dyf = dy.dataType() == DataType.FLOAT ? dy : dy.castTo(DataType.FLOAT);
            int[] args = NativePool.arguments(r.poolH(), r.poolW(), g, r.spec());
            return args == null ? MaxPoolFloat.backward(r, dyf, g) : NativePool.backward(r.input(), dyf, args, true);
        }
        double[] g = FlatCopy.read(dy);
        double[] dx = new double[(int) product(r.inputShape())];
        for (int o = 0; o < g.length; o++) {
            dx[r.argmax()[o]] += g[o];
        }
        return create(dx, dy.dataType(), r.inputShape());
    }

    /** Average pooling over the valid (unpadded) cells of each window. */
    public static INDArray avgForward(INDArray x, int ph, int pw, Conv2DSpec s) {
        ConvGeometry g = geometry("Pool2DOps.avgForward", x, ph, pw, s);
        if (x.dataType() == DataType.FLOAT) {
            int[] args = NativePool.arguments(ph, pw, g, s);
            return args == null ? MaxPoolFloat.avgForward(x, ph, pw, g) : NativePool.forward(x, args, g, false);
        }
        double[] in = FlatCopy.read(x);
        final int c = g.c();
        double[] out = new double[g.n() * g.oh() * g.ow() * c];
        int o = 0;
        for (int n = 0; n < g.n(); n++) {
            for (int oh = 0; oh < g.oh(); oh++) {
                int h0 = Math.max(0, oh * g.sh() - g.pt()), h1 = Math.min(g.h(), oh * g.sh() - g.pt() + ph);
                for (int ow = 0; ow < g.ow(); ow++, o += c) {
                    int w0 = Math.max(0, ow * g.sw() - g.pl()), w1 = Math.min(g.w(), ow * g.sw() - g.pl() + pw);
                    double inv = 1.0 / ((double) (h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            int base = ((n * g.h() + ih) * g.w() + iw) * c;
                            for (int ch = 0; ch < c; ch++) {
                                out[o + ch] += in[base + ch];
                            }
                        }
                    }
                    for (int ch = 0; ch < c; ch++) {
                        out[o + ch] *= inv;
                    }
                }
            }
        }
        return create(out, x.dataType(), g.n(), g.oh(), g.ow(), g.c());
    }

    /** Gradient of {@link #avgForward}: each dy element is shared equally by its window's valid cells. */
    public static INDArray avgBackward(INDArray dy, long[] inputShape, int ph, int pw, Conv2DSpec s) {
        String op = "Pool2DOps.avgBackward";
        if (inputShape == null || inputShape.length != 4) {
            throw new IllegalArgumentException(op + ": inputShape must be the 4 sizes (N, H, W, C) of the pooled input, got "
                    + Arrays.toString(inputShape) + ".");
        }
        OpChecks.notNull(op, "dy", dy);
        OpChecks.floating(op, "dy", dy);
        ConvGeometry g = geometry(op, inputShape, ph, pw, s);
        OpChecks.sameShape(op, "dy", dy, g.n(), g.oh(), g.ow(), g.c());
        if (dy.dataType() == DataType.FLOAT) {
            int[] args = NativePool.arguments(ph, pw, g, s);
            // The op reads only its input's shape: an uninitialized array of that shape stands in.
            return args == null ? MaxPoolFloat.avgBackward(dy, g, ph, pw)
                    : NativePool.backward(Nd4j.createUninitialized(DataType.FLOAT, inputShape, 'c'), dy, args, false);
        }
        double[] gy = FlatCopy.read(dy);
        final int c = g.c();
        double[] dx = new double[(int) product(inputShape)];
        int o = 0;
        for (int n = 0; n < g.n(); n++) {
            for (int oh = 0; oh < g.oh(); oh++) {
                int h0 = Math.max(0, oh * g.sh() - g.pt()), h1 = Math.min(g.h(), oh * g.sh() - g.pt() + ph);
                for (int ow = 0; ow < g.ow(); ow++, o += c) {
                    int w0 = Math.max(0, ow * g.sw() - g.pl()), w1 = Math.min(g.w(), ow * g.sw() - g.pl() + pw);
                    double inv = 1.0 / ((double) (h1 - h0) * (w1 - w0));
                    for (int ih = h0; ih < h1; ih++) {
                        for (int iw = w0; iw < w1; iw++) {
                            int base = ((n * g.h() + ih) * g.w() + iw) * c;
                            for (int ch = 0; ch < c; ch++) {
                                dx[base + ch] += gy[o + ch] * inv;
                            }
                        }
                    }
                }
            }
        }
        return create(dx, dy.dataType(), inputShape);
    }

    /** Mean over height and width: (N, H, W, C) -> (N, C). */
    public static INDArray globalAvg(INDArray x) {
        OpChecks.imageBatch("Pool2DOps.globalAvg", "input", x);
        return x.mean(1, 2);
    }

    /** Gradient of {@link #globalAvg}: dy (N, C) spread evenly, dy/(H*W), over every cell. */
    public static INDArray globalAvgBackward(INDArray dy, long[] inputShape) {
        String op = "Pool2DOps.globalAvgBackward";
        checkGlobal(op, dy, inputShape);
        int n = (int) inputShape[0], cells = (int) (inputShape[1] * inputShape[2]), c = (int) inputShape[3];
        // A plain loop: ND4J's div + broadcast + dup took about 20 ms for (64, 14, 14, 64).
        double[] g = FlatCopy.read(dy);
        double[] dx = new double[(int) product(inputShape)];
        for (int b = 0; b < n; b++) {
            for (int cell = 0; cell < cells; cell++) {
                int at = (b * cells + cell) * c;
                for (int ch = 0; ch < c; ch++) {
                    dx[at + ch] = g[b * c + ch] / cells;
                }
            }
        }
        return create(dx, dy.dataType(), inputShape);
    }

    /** Maximum over height and width: (N, H, W, C) -> (N, C). */
    public static INDArray globalMax(INDArray x) {
        OpChecks.imageBatch("Pool2DOps.globalMax", "input", x);
        return x.max(1, 2);
    }

    /** Gradient of {@link #globalMax}: dy (N, C) goes to the first maximal cell (row-major) of each channel. */
    public static INDArray globalMaxBackward(INDArray x, INDArray dy) {
        String op = "Pool2DOps.globalMaxBackward";
        OpChecks.imageBatch(op, "input", x);
        checkGlobal(op, dy, x.shape());
        Conv2DSpec whole = Conv2DSpec.unit();
        PoolResult r = maxForward(x, (int) x.size(1), (int) x.size(2), whole);
        return maxBackward(r, dy.reshape(x.size(0), 1, 1, x.size(3)));
    }

    private static void checkGlobal(String op, INDArray dy, long[] inputShape) {
        if (inputShape == null || inputShape.length != 4) {
            throw new IllegalArgumentException(op + ": inputShape must be the 4 sizes (N, H, W, C) of the pooled input, got "
                    + Arrays.toString(inputShape) + ".");
        }
        OpChecks.notNull(op, "dy", dy);
        OpChecks.floating(op, "dy", dy);
        OpChecks.sameShape(op, "dy", dy, inputShape[0], inputShape[3]);
    }

    private static ConvGeometry geometry(String op, INDArray x, int ph, int pw, Conv2DSpec s) {
        OpChecks.imageBatch(op, "input", x);
        return geometry(op, x.shape(), ph, pw, s);
    }

    private static ConvGeometry geometry(String op, long[] in, int ph, int pw, Conv2DSpec s) {
        if (s == null) {
            throw new IllegalArgumentException(op + ": spec is null; pass a Conv2DSpec, e.g. Conv2DSpec.of(2, 2, 0, 0, 0, 0).");
        }
        if (ph < 1 || pw < 1) {
            throw new IllegalArgumentException(op + ": pool size " + ph + "x" + pw
                    + " must be at least 1x1; use e.g. poolSize(2, 2).");
        }
        if (s.dilationH() != 1 || s.dilationW() != 1) {
            throw new IllegalArgumentException(op + ": pooling has no dilation, got dilation " + s.dilationH() + "x"
                    + s.dilationW() + "; use a spec with dilation 1.");
        }
        if (s.padTop() >= ph || s.padBottom() >= ph || s.padLeft() >= pw || s.padRight() >= pw) {
            throw new IllegalArgumentException(op + ": pads (top " + s.padTop() + ", bottom " + s.padBottom() + ", left "
                    + s.padLeft() + ", right " + s.padRight() + ") must each be smaller than the pool size " + ph + "x"
                    + pw + ", otherwise a window could hold only padding; reduce the padding.");
        }
        for (long d : in) {
            if (d < 1) {
                throw new IllegalArgumentException(op + ": input " + shape(in) + " has an empty axis.");
            }
        }
        long oh = s.outHeight(in[1], ph), ow = s.outWidth(in[2], pw);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException(op + ": output size " + oh + "x" + ow + " = floor((" + in[1] + " + "
                    + s.padTop() + " + " + s.padBottom() + " - " + ph + ")/" + s.strideH() + ") + 1 by floor((" + in[2]
                    + " + " + s.padLeft() + " + " + s.padRight() + " - " + pw + ")/" + s.strideW() + ") + 1 for input "
                    + shape(in) + " and pool " + ph + "x" + pw + "; use a smaller pool size or padding=\"same\".");
        }
        String what = "tensor size";
        return new ConvGeometry(OpChecks.toInt(op, what, in[0]), OpChecks.toInt(op, what, in[1]),
                OpChecks.toInt(op, what, in[2]), OpChecks.toInt(op, what, in[3]), (int) oh, (int) ow,
                (int) in[3], ph, pw, s.strideH(), s.strideW(), 1, 1, s.padTop(), s.padLeft(), 1);
    }

    private static long product(long[] shape) {
        long p = 1;
        for (long d : shape) {
            p *= d;
        }
        return p;
    }

    private static INDArray create(double[] values, DataType type, long... shape) {
        return FlatCopy.write(values, type, shape);
    }
}
