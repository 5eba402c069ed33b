package io.convnb.display;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The elements of an array that a display will show: per axis the indices kept (all of them, or
 * the {@code edge} first and last when the array is summarised), and the values at the cartesian
 * product of those indices in row-major order. Only those elements are read, so the cost does not
 * depend on the array's size.
 */
final class TensorSample {

    final long[] shape;
    final long[][] shown;
    final boolean summarised;
    final ElementFormat.Kind kind;
    final double[] values;
    final long[] ints;

    private TensorSample(long[] shape, long[][] shown, boolean summarised, ElementFormat.Kind kind,
                         double[] values, long[] ints) {
        this.shape = shape;
        this.shown = shown;
        this.summarised = summarised;
        this.kind = kind;
        this.values = values;
        this.ints = ints;
    }

    /**
     * Samples an array: summarised when it has more than {@code options.threshold()} elements;
     * then every axis longer than {@code 2*edge} keeps its {@code edge} first and last indices,
     * with {@code edge = cols} on the last axis and {@code rows} on the others (NumPy's rule).
     */
    static TensorSample of(INDArray a, DisplayOptions options) {
        long[] shape = a.shape();
        int rank = shape.length;
        boolean summarised = a.length() > options.threshold();
        long[][] shown = new long[rank][];
        long count = 1;
        for (int d = 0; d < rank; d++) {
            int edge = d == rank - 1 ? options.cols() : options.rows();
            shown[d] = indices(shape[d], summarised && 2L * edge < shape[d], edge);
            count *= shown[d].length;
        }
        if (count > 50_000_000L) {
            throw new IllegalArgumentException("Display of an array of shape " + TensorText.shapeString(shape)
                    + " would print " + count + " elements; lower the display threshold, e.g. %display threshold=1000.");
        }
        ElementFormat.Kind kind = kindOf(a.dataType());
        int n = (int) count;
        double[] values = new double[n];
        long[] ints = kind == ElementFormat.Kind.INTEGER ? new long[n] : null;
        long[] idx = new long[rank];
        for (int i = 0; i < n; i++) {
            int rest = i;
            for (int d = rank - 1; d >= 0; d--) {
                int len = shown[d].length;
                idx[d] = shown[d][rest % len];
                rest /= len;
            }
            if (ints != null) {
                ints[i] = rank == 0 ? a.getLong(0) : a.getLong(idx);
            } else {
                values[i] = rank == 0 ? a.getDouble(0) : a.getDouble(idx);
            }
        }
        return new TensorSample(shape, shown, summarised, kind, values, ints);
    }

    private static long[] indices(long dim, boolean summary, int edge) {
        if (!summary) {
            long[] all = new long[(int) dim];
            for (int i = 0; i < dim; i++) {
                all[i] = i;
            }
            return all;
        }
        long[] r = new long[2 * edge];
        for (int i = 0; i < edge; i++) {
            r[i] = i;
            r[edge + i] = dim - edge + i;
        }
        return r;
    }

    static ElementFormat.Kind kindOf(DataType t) {
        return switch (t) {
            case DOUBLE -> ElementFormat.Kind.FLOAT64;
            case FLOAT, HALF, BFLOAT16 -> ElementFormat.Kind.FLOAT32;
            case BOOL -> ElementFormat.Kind.BOOL;
            case LONG, INT, SHORT, BYTE, UBYTE, UINT16, UINT32, UINT64 -> ElementFormat.Kind.INTEGER;
            default -> throw new IllegalArgumentException("Cannot display an array of data type " + t
                    + "; cast it to a numeric type first, e.g. array.castTo(DataType.FLOAT).");
        };
    }

    /** Whether axis {@code d} is shown with a gap ({@code ...}) between its head and tail. */
    boolean gapAt(int d) {
        return shown[d].length < shape[d];
    }

    /** Formatted, equal-width strings for all sampled values. */
    String[] formatted(int precision) {
        return ElementFormat.format(kind, values, ints, precision);
    }
}
