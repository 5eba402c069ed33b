package io.convnb.display;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A 2-D array read into Java for drawing, at most {@code maxSide} cells per side. Larger arrays
 * are reduced by block means (each output cell is the mean of a {@code factor x factor} block);
 * arrays above {@code min(MAX_READ, 16 maxSide^2)} elements are first sampled with a stride so that drawing never
 * copies more than that many elements out of ND4J.
 */
final class Plane {

    /** Most elements copied out of ND4J for one picture. */
    static final long MAX_READ = 1_000_000L;

    final double[][] values;
    final long rows;
    final long cols;
    /** Rows and columns of the original represented by one cell (1 when nothing was reduced). */
    final int factor;
    /** Stride of the sampling before the block means (1 when everything was read). */
    final int stride;
    final double min;
    final double max;

    private Plane(double[][] values, long rows, long cols, int factor, int stride) {
        this.values = values;
        this.rows = rows;
        this.cols = cols;
        this.factor = factor;
        this.stride = stride;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double x : row) {
                if (Double.isFinite(x)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        this.min = lo == Double.POSITIVE_INFINITY ? 0 : lo;
        this.max = hi == Double.NEGATIVE_INFINITY ? 0 : hi;
    }

    /** Reads a 1-D (as one row) or 2-D array. */
    static Plane of(INDArray a, int maxSide) {
        INDArray m = a.rank() == 1 ? a.reshape(1, a.length()) : a;
        if (m.rank() != 2) {
            throw new IllegalArgumentException("Expected a 1-D or 2-D array, got shape " + TensorText.shapeString(a.shape()) + ".");
        }
        long h = m.size(0);
        long w = m.size(1);
        int stride = 1;
        INDArray src = m;
        // Reading 4x the drawn resolution per side is enough for the block means to smooth the sample.
        long limit = Math.min(MAX_READ, 16L * maxSide * maxSide);
        if (h * w > limit) {
            stride = (int) Math.ceil(Math.sqrt(h * (double) w / limit));
            src = m.get(NDArrayIndex.interval(0, stride, h), NDArrayIndex.interval(0, stride, w));
        }
        int sh = (int) src.size(0);
        int sw = (int) src.size(1);
        double[] flat = src.dup('c').castTo(DataType.DOUBLE).data().asDouble();
        int factor = (int) Math.max(1, Math.ceil(Math.max(sh, sw) / (double) maxSide));
        int oh = (sh + factor - 1) / factor;
        int ow = (sw + factor - 1) / factor;
        double[][] out = new double[oh][ow];
        if (factor == 1) {
            for (int r = 0; r < sh; r++) {
                System.arraycopy(flat, r * sw, out[r], 0, sw);
            }
        } else {
            int[][] counts = new int[oh][ow];
            for (int r = 0; r < sh; r++) {
                for (int c = 0; c < sw; c++) {
                    out[r / factor][c / factor] += flat[r * sw + c];
                    counts[r / factor][c / factor]++;
                }
            }
            for (int r = 0; r < oh; r++) {
                for (int c = 0; c < ow; c++) {
                    out[r][c] /= counts[r][c];
                }
            }
        }
        return new Plane(out, h, w, factor, stride);
    }

    /** Whether the picture shows fewer cells than the array has. */
    boolean reduced() {
        return factor > 1 || stride > 1;
    }

    /** Says how the array was reduced, e.g. "downsampled: 4x4 block means", or "" when it was not. */
    String reductionNote() {
        if (!reduced()) {
            return "";
        }
        StringBuilder b = new StringBuilder("downsampled:");
        if (stride > 1) {
            b.append(" stride-").append(stride).append(" sampling");
        }
        if (factor > 1) {
            b.append(stride > 1 ? ", then" : "").append(' ').append(factor).append('x').append(factor).append(" block means");
        }
        return b.toString();
    }
}
