package io.convnb.ops;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Element-wise training kernels in Java, over blocks of the flat arrays on all cores: ReLU and its
 * gradient, the bias add, and the Adam update. Each replaces several ND4J operations (ReLU forward was a copy plus
 * the op; its gradient a step function, a copy and a multiply; Adam a copy, the updater and a
 * subtraction), every one a pass over memory plus an OpenMP start, which on a 2-core machine shared
 * with other work waited for descheduled threads. The callers keep the ND4J form as the reference for
 * arrays these kernels do not take (views with gaps, other types); each method says which it takes.
 * Every element is computed by one thread from its own inputs, so results do not depend on the threads.
 */
public final class ElementwiseOps {
    /** Elements per block: a few tens of kilobytes per array, so a block's arrays stay in cache. */
    static final int BLOCK = 16_384;

    private ElementwiseOps() {
    }

    /** Whether {@code a} is FLOAT, C-ordered and gap-free from offset 0 (what the float kernels take). */
    static boolean plainFloat(INDArray a) {
        return a.dataType() == DataType.FLOAT && OpChecks.isPlain(a);
    }

    /** {@code max(z, 0)} as a new array (NaN stays NaN); null when {@code z} is not a plain FLOAT array. */
    public static INDArray relu(INDArray z) {
        if (!plainFloat(z)) {
            return null;
        }
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, z.shape(), 'c');
        FloatBuffer in = z.data().asNioFloat();
        FloatBuffer out = y.data().asNioFloat();
        try {
            forBlocks(Math.toIntExact(z.length()), (at, len, buf) -> {
                float[] a = buf.a;
                in.get(at, a, 0, len);
                for (int i = 0; i < len; i++) {
                    a[i] = a[i] < 0f ? 0f : a[i];
                }
                out.put(at, a, 0, len);
            });
        } finally {
            KeepAlive.fence(z, y);
        }
        return y;
    }

    /**
     * Gradient of ReLU from its output: {@code dy} where {@code out > 0}, else 0, as a new array; null
     * when either is not a plain FLOAT array or their shapes differ.
     */
    public static INDArray reluBackward(INDArray out, INDArray dy) {
        if (!plainFloat(out) || !plainFloat(dy) || !java.util.Arrays.equals(out.shape(), dy.shape())) {
            return null;
        }
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, dy.shape(), 'c');
        FloatBuffer o = out.data().asNioFloat();
        FloatBuffer g = dy.data().asNioFloat();
        FloatBuffer d = dx.data().asNioFloat();
        try {
            forBlocks(Math.toIntExact(dy.length()), (at, len, buf) -> {
                float[] a = buf.a;
                float[] b = buf.b;
                o.get(at, a, 0, len);
                g.get(at, b, 0, len);
                for (int i = 0; i < len; i++) {
                    b[i] = a[i] > 0f ? b[i] : 0f;
                }
                d.put(at, b, 0, len);
            });
        } finally {
            KeepAlive.fence(out, dy, dx);
        }
        return dx;
    }

    /**
     * {@code dy * (out > 0)} as a new array, the gradient of ReLU from its output: {@link #reluBackward}'s
     * single Java pass for plain FLOAT arrays, libnd4j's {@code relu_bp} for anything else.
     */
    public static INDArray reluGradient(INDArray out, INDArray dy) {
        INDArray fast = reluBackward(out, dy);
        if (fast != null) {
            return fast;
        }
        INDArray dz = Nd4j.createUninitialized(dy.dataType(), dy.shape(), 'c');
        Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(out, dy).addOutputs(dz)
                .addFloatingPointArguments(0.0).build());
        return dz;
    }

    /**
     * {@code y[..., c] += bias[c]} in place.
     *
     * @return false (and nothing changed) unless {@code y} is a plain FLOAT array and {@code bias} a FLOAT
     *         array with one value per channel (the last axis of y)
     */
    public static boolean addBias(INDArray y, INDArray bias) {
        if (!plainFloat(y) || bias.dataType() != DataType.FLOAT || y.rank() < 1) {
            return false;
        }
        int c = Math.toIntExact(y.size(y.rank() - 1));
        if (bias.length() != c) {
            return false;
        }
        float[] b = bias.reshape(c).toFloatVector();
        FloatBuffer yb = y.data().asNioFloat();
        try {
            forBlocks(Math.toIntExact(y.length()), (at, len, buf) -> {
                float[] a = buf.a;
                yb.get(at, a, 0, len);
                int ch = at % c;
                for (int i = 0; i < len; i++) {
                    a[i] += b[ch];
                    ch = ch + 1 == c ? 0 : ch + 1;
                }
                yb.put(at, a, 0, len);
            });
        } finally {
            KeepAlive.fence(y);
        }
        return true;
    }

    /**
     * One Adam step in place, Keras' rule in double precision per element:
     * {@code m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; w -= lr * sqrt(1-b2^t)/(1-b1^t) * m/(sqrt(v) + eps)}.
     *
     * @return false (and nothing changed) unless all four arrays are plain FLOAT arrays of one length
     */
    public static boolean adam(INDArray w, INDArray g, INDArray m, INDArray v, double lr, double beta1, double beta2,
                               double epsilon, long t) {
        if (!plainFloat(w) || !plainFloat(g) || !plainFloat(m) || !plainFloat(v)
                || g.length() != w.length() || m.length() != w.length() || v.length() != w.length()) {
            return false;
        }
        double lrT = lr * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
        FloatBuffer wb = w.data().asNioFloat();
        FloatBuffer gb = g.data().asNioFloat();
        FloatBuffer mb = m.data().asNioFloat();
        FloatBuffer vb = v.data().asNioFloat();
        try {
            forBlocks(Math.toIntExact(w.length()), (at, len, buf) -> {
                float[] wa = buf.a;
                float[] ga = buf.b;
                float[] ma = buf.c;
                float[] va = buf.d;
                wb.get(at, wa, 0, len);
                gb.get(at, ga, 0, len);
                mb.get(at, ma, 0, len);
                vb.get(at, va, 0, len);
                for (int i = 0; i < len; i++) {
                    double gi = ga[i];
                    double mi = beta1 * ma[i] + (1 - beta1) * gi;
                    double vi = beta2 * va[i] + (1 - beta2) * gi * gi;
                    ma[i] = (float) mi;
                    va[i] = (float) vi;
                    wa[i] = (float) (wa[i] - lrT * mi / (Math.sqrt(vi) + epsilon));
                }
                wb.put(at, wa, 0, len);
                mb.put(at, ma, 0, len);
                vb.put(at, va, 0, len);
            });
        } finally {
            KeepAlive.fence(w, g, m, v);
        }
        return true;
    }

    /** Per-thread block buffers. */
    private static final class Buffers {
        final float[] a = new float[BLOCK];
        final float[] b = new float[BLOCK];
        final float[] c = new float[BLOCK];
        final float[] d = new float[BLOCK];
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    @FunctionalInterface
    private interface Block {
        void run(int at, int len, Buffers buf);
    }

    /** Runs {@code block} over [0, length) in blocks of {@link #BLOCK}, the blocks spread over the cores. */
    private static void forBlocks(int length, Block block) {
        int blocks = (length + BLOCK - 1) / BLOCK;
        if (blocks == 0) {
            return;
        }
        ImageParts.run(blocks, (chunk, first, count) -> {
            Buffers buf = BUFFERS.get();
            for (int k = first; k < first + count; k++) {
                int at = k * BLOCK;
                block.run(at, Math.min(BLOCK, length - at), buf);
            }
        });
    }
}
