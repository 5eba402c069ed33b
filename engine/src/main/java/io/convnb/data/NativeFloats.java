package io.convnb.data;

import java.lang.ref.Reference;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Direct Java access to the native memory of contiguous C-order FLOAT arrays, for copies that are too
 * small for an ND4J op to pay off. A gather of 64 rows through {@code Nd4j.pullRows} costs an op call and
 * an OpenMP parallel region, which on a loaded 2-core machine can wait 100 ms for a descheduled thread;
 * a plain {@code FloatBuffer} copy of the same rows takes tens of microseconds and never waits.
 *
 * <p>In ND4J 1.0.0-M2.1 {@code data().asNio()} of a view spans the whole underlying allocation and
 * {@code offset()} is the view's first element within it (checked by the view tests of
 * {@code BatchIteratorTest}).
 *
 * <p>The buffer does not keep the native memory alive: outside an ND4J workspace the garbage collector
 * may free an array's memory once the array itself is no longer used, even while its buffer is. Whoever
 * holds a buffer must keep the array reachable until the last access ({@code Reference.reachabilityFence},
 * as the methods here do; see {@code io.convnb.ops.KeepAlive}).
 */
final class NativeFloats {
    private NativeFloats() {
    }

    /** Whether {@code a} is FLOAT with C-order strides over one gap-free block of memory. */
    static boolean isContiguousFloat(INDArray a) {
        if (a.dataType() != DataType.FLOAT || a.length() + a.offset() > Integer.MAX_VALUE) {
            return false;
        }
        long expected = 1;
        for (int d = a.rank() - 1; d >= 0; d--) {
            if (a.size(d) != 1 && a.stride(d) != expected) {
                return false;
            }
            expected *= a.size(d);
        }
        return true;
    }

    /** The native-order float buffer over {@code a}'s whole allocation; element 0 of {@code a} is at {@code a.offset()}. */
    static FloatBuffer buffer(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** The elements of {@code a} in C order as a new float[]. */
    static float[] toArray(INDArray a) {
        if (!isContiguousFloat(a)) {
            a = a.castTo(DataType.FLOAT).dup('c');
        }
        float[] out = new float[Math.toIntExact(a.length())];
        buffer(a).get(Math.toIntExact(a.offset()), out, 0, out.length);
        Reference.reachabilityFence(a);
        return out;
    }

    /** Copies {@code values} over the elements of {@code dst}, a contiguous FLOAT array of the same length. */
    static void copyInto(float[] values, int length, INDArray dst) {
        if (!isContiguousFloat(dst) || length > dst.length()) {
            throw new IllegalArgumentException("destination must be a contiguous C-order FLOAT array of at least " + length
                    + " elements, got " + dst.dataType() + " " + java.util.Arrays.toString(dst.shape()));
        }
        buffer(dst).put(Math.toIntExact(dst.offset()), values, 0, length);
        Reference.reachabilityFence(dst);
    }
}
