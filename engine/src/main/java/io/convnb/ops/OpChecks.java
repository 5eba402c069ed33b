package io.convnb.ops;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Argument checks shared by the ops; every message names the op, the values and a fix. */
final class OpChecks {
    private OpChecks() {
    }

    /** Shape as {@code (1, 28, 28, 3)}. */
    static String shape(long... dims) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return sb.append(')').toString();
    }

    static String shape(INDArray a) {
        return shape(a.shape());
    }

    static void notNull(String op, String name, INDArray a) {
        if (a == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null; pass an INDArray.");
        }
    }

    /** An NHWC batch: rank 4, FLOAT or DOUBLE, every axis at least 1. */
    static void imageBatch(String op, String name, INDArray a) {
        notNull(op, name, a);
        if (a.rank() != 4) {
            throw new IllegalArgumentException(op + ": " + name + " must be rank 4 (N, H, W, C), got rank "
                    + a.rank() + " with shape " + shape(a)
                    + "; add the missing axes, e.g. x.reshape(1, h, w, 1) for one single-channel image.");
        }
        floating(op, name, a);
        // The copy loops index with int; ND4J itself would need over 8 GB for such a tensor anyway.
        toInt(op, name + " " + shape(a) + " element count", a.length());
        for (long d : a.shape()) {
            if (d < 1) {
                throw new IllegalArgumentException(op + ": " + name + " " + shape(a)
                        + " has an empty axis; every axis needs at least one element.");
            }
        }
    }

    static void floating(String op, String name, INDArray a) {
        DataType t = a.dataType();
        if (t != DataType.FLOAT && t != DataType.DOUBLE) {
            throw new IllegalArgumentException(op + ": " + name + " has data type " + t
                    + "; only FLOAT and DOUBLE are supported, convert with " + name + ".castTo(DataType.FLOAT).");
        }
    }

    static void sameType(String op, INDArray x, String name, INDArray other) {
        if (other.dataType() != x.dataType()) {
            throw new IllegalArgumentException(op + ": " + name + " has data type " + other.dataType()
                    + " but the input has " + x.dataType() + "; convert with " + name + ".castTo(DataType."
                    + x.dataType() + ").");
        }
    }

    static void sameShape(String op, String name, INDArray a, long... expected) {
        notNull(op, name, a);
        if (!java.util.Arrays.equals(a.shape(), expected)) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape " + shape(expected)
                    + ", got " + shape(a) + "; pass the gradient of this op's own output.");
        }
    }

    static int toInt(String op, String what, long v) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": " + what + " = " + v + " exceeds " + Integer.MAX_VALUE
                    + " elements; use a smaller batch.");
        }
        return (int) v;
    }

    /**
     * {@code a} itself where it is {@link #isPlain}, so that its data can be read as a flat array, else
     * a C-ordered copy; a reshape of a plain array qualifies without a copy.
     */
    static INDArray plain(INDArray a) {
        return isPlain(a) ? a : a.dup('c');
    }

    /**
     * Whether {@code a} is C-ordered, lies gap-free in C order (each axis longer than 1 steps by the
     * product of the later axes' lengths) and spans its whole buffer from offset 0. Axes of length 1
     * may have any stride: ND4J gives the one of a reshape (N, L, C) to (N, 1, L, C) the next axis's
     * stride, which its own {@code Shape.hasDefaultStridesForShape} rejects, and every Conv1D tensor
     * was copied (16 MB three times a step on (64,1000,64), 4-5 ms).
     */
    static boolean isPlain(INDArray a) {
        if (a.ordering() != 'c' || a.offset() != 0 || a.data().length() != a.length()) {
            return false;
        }
        long[] shape = a.shape();
        long[] stride = a.stride();
        long step = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && stride[i] != step) {
                return false;
            }
            step *= shape[i];
        }
        return true;
    }
}
