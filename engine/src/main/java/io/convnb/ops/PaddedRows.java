package io.convnb.ops;

import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Copies between FLOAT tensors and Java arrays whose rows are padded to a whole number of vectors, and
 * the chunk-ordered sum of per-chunk partial results: what the Vector API kernels
 * ({@link DirectConvFloat}, {@link DepthwiseConvFloat}) read their weights from and write their
 * kernel gradients with.
 */
final class PaddedRows {
    private PaddedRows() {
    }

    /** A (rows, cols) tensor as a Java array of rows padded with zeros to {@code stride}. */
    static float[] paddedRows(INDArray a, int rows, int cols, int stride) {
        INDArray plain = OpChecks.plain(a);
        FloatBuffer in = plain.data().asNioFloat();
        int from = Math.toIntExact(plain.offset());
        float[] out = new float[rows * stride];
        try {
            for (int r = 0; r < rows; r++) {
                in.get(from + r * cols, out, r * stride, cols);
            }
        } finally {
            KeepAlive.fence(plain);
        }
        return out;
    }

    static float[] sumParts(float[][] parts) {
        float[] sum = parts[0];
        for (int k = 1; k < parts.length; k++) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += parts[k][i];
            }
        }
        return sum;
    }

    /** A new C-order tensor of the given shape from rows padded to {@code stride}. */
    static INDArray fromPadded(float[] padded, int rows, int cols, int stride, long... shape) {
        INDArray out = Nd4j.createUninitialized(DataType.FLOAT, shape, 'c');
        FloatBuffer buf = out.data().asNioFloat();
        int to = Math.toIntExact(out.offset());
        for (int r = 0; r < rows; r++) {
            buf.put(to + r * cols, padded, r * stride, cols);
        }
        return out;
    }
}
