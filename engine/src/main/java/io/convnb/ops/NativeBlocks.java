package io.convnb.ops;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk reads and writes of blocks of a contiguous C-order FLOAT or DOUBLE array as doubles, for Java
 * kernels that run one code path for both types (FLOAT in training, DOUBLE in the gradient checks). A
 * FLOAT block is copied into a float stage and widened; absolute bulk access never moves the buffer's
 * position, so several threads may use one instance. The views do not keep the native memory alive:
 * this holder refers to the array, and its users fence the holder after their last access (see
 * {@link KeepAlive}).
 */
final class NativeBlocks {
    /** Keeps the array's memory alive as long as this holder is (the buffers below do not). */
    private final INDArray owner;
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final int base;

    private NativeBlocks(INDArray a) {
        this.owner = a;
        this.base = Math.toIntExact(a.offset());
        this.floats = a.dataType() == DataType.FLOAT ? a.data().asNioFloat() : null;
        this.doubles = a.dataType() == DataType.DOUBLE ? a.data().asNioDouble() : null;
        if (floats == null && doubles == null) {
            throw new IllegalArgumentException("NativeBlocks: FLOAT or DOUBLE array expected, got " + a.dataType());
        }
    }

    /** Access to {@code a}, which must be contiguous in C order (see {@link OpChecks#plain}). */
    static NativeBlocks of(INDArray a) {
        return new NativeBlocks(a);
    }

    /** Elements {@code [at, at+len)} into {@code dst[0, len)}; {@code stage} holds at least len floats. */
    void read(int at, int len, double[] dst, float[] stage) {
        if (doubles != null) {
            doubles.get(base + at, dst, 0, len);
            return;
        }
        floats.get(base + at, stage, 0, len);
        for (int i = 0; i < len; i++) {
            dst[i] = stage[i];
        }
    }

    /** {@code src[0, len)} over elements {@code [at, at+len)}, rounded to the array's type. */
    void write(int at, int len, double[] src, float[] stage) {
        if (doubles != null) {
            doubles.put(base + at, src, 0, len);
            return;
        }
        for (int i = 0; i < len; i++) {
            stage[i] = (float) src[i];
        }
        floats.put(base + at, stage, 0, len);
    }
}
