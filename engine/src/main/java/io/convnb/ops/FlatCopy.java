package io.convnb.ops;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between FLOAT/DOUBLE tensors and Java double arrays, through the off-heap buffer's NIO
 * view: element-wise {@code getDouble(i)} or {@code DataBuffer.asDouble()} cost far more per element.
 */
final class FlatCopy {
    private FlatCopy() {
    }

    /** The elements of {@code a} in C order. */
    static double[] read(INDArray a) {
        INDArray p = OpChecks.plain(a);
        int len = OpChecks.toInt("FlatCopy", "tensor length", p.length());
        double[] out = new double[len];
        if (p.dataType() == DataType.DOUBLE) {
            p.data().asNioDouble().get(0, out, 0, len);
            KeepAlive.fence(p);
        } else if (p.dataType() == DataType.FLOAT) {
            FloatBuffer fb = p.data().asNioFloat();
            float[] tmp = new float[len];
            fb.get(0, tmp, 0, len);
            KeepAlive.fence(p);
            for (int i = 0; i < len; i++) {
                out[i] = tmp[i];
            }
        } else {
            return p.data().asDouble();
        }
        return out;
    }

    /** A new C-order tensor of the given type and shape holding {@code values}. */
    static INDArray write(double[] values, DataType type, long... shape) {
        INDArray out = Nd4j.createUninitialized(type, shape, 'c');   // every element is written below
        if (type == DataType.DOUBLE) {
            DoubleBuffer db = out.data().asNioDouble();
            db.put(0, values, 0, values.length);
        } else {
            float[] tmp = new float[values.length];
            for (int i = 0; i < tmp.length; i++) {
                tmp[i] = (float) values[i];
            }
            out.data().asNioFloat().put(0, tmp, 0, tmp.length);
        }
        return out;
    }
}
