package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Conversions between the naive flat tensors and INDArrays, random data and close-enough checks. */
final class TestTensors {
    private TestTensors() {
    }

    static NaiveOps.T random(Random rnd, int... shape) {
        NaiveOps.T t = new NaiveOps.T(shape);
        for (int i = 0; i < t.v().length; i++) {
            t.v()[i] = rnd.nextDouble() * 2 - 1;
        }
        return t;
    }

    static INDArray nd(NaiveOps.T t, DataType type) {
        long[] shape = new long[t.shape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.shape()[i];
        }
        return Nd4j.create(t.v().clone(), shape, 'c').castTo(type);
    }

    static INDArray nd(double[] v, DataType type) {
        return Nd4j.create(v.clone(), new long[] {v.length}, 'c').castTo(type);
    }

    /** Asserts equal shape and |a - b| <= tol * (1 + |b|) element-wise. */
    static void assertClose(String what, NaiveOps.T expected, INDArray actual, double tol) {
        long[] shape = new long[expected.shape().length];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = expected.shape()[i];
        }
        assertArrayEquals(shape, actual.shape(), what + ": shape");
        double[] got = actual.dup('c').data().asDouble();
        for (int i = 0; i < got.length; i++) {
            double e = expected.v()[i];
            if (!(Math.abs(got[i] - e) <= tol * (1 + Math.abs(e)))) {
                fail(what + ": element " + i + " expected " + e + " got " + got[i]);
            }
        }
    }

    static void assertClose(String what, double[] expected, INDArray actual, double tol) {
        assertClose(what, new NaiveOps.T(new int[] {expected.length}, expected), actual.reshape(expected.length), tol);
    }
}
