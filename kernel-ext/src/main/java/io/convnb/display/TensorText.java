package io.convnb.display;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * NumPy-style {@code text/plain} of an array, e.g.
 * <pre>
 * array([[0. , 0.5, 1. ],
 *        [1.5, 2. , 2.5]], shape=(2, 3), dtype=float32)
 * </pre>
 * Layout follows NumPy's {@code repr} (line width 75, {@code ...} for summarised axes, blank lines
 * between blocks of 3-D and higher arrays), except that the shape and dtype are always written.
 * Only the printed elements are read, so a 10^8-element array prints as fast as a small one.
 */
public final class TensorText {

    /** NumPy's default line width. */
    static final int LINE_WIDTH = 75;
    private static final String PREFIX = "array(";

    private TensorText() {
    }

    /** The text of an array with the kernel-wide {@link DisplayOptions#global()}. */
    public static String of(INDArray a) {
        return of(a, DisplayOptions.global());
    }

    /** The text of an array with the given options. */
    public static String of(INDArray a, DisplayOptions options) {
        if (a == null) {
            return "null";
        }
        String extras = "shape=" + shapeString(a.shape()) + ", dtype=" + dtypeName(a.dataType());
        String head = body(a, options) + ",";
        int lastLine = head.length() - head.lastIndexOf('\n') - 1;
        // Like NumPy's dtype suffix: on the last line if it fits in the width, else on its own line.
        String spacer = lastLine + extras.length() + 1 > LINE_WIDTH ? "\n" + " ".repeat(PREFIX.length()) : " ";
        return head + spacer + extras + ")";
    }

    /**
     * {@code "array(" + data}, without suffix: what NumPy's
     * {@code "array(" + np.array2string(a, separator=', ', prefix='array(', suffix=',')} gives.
     */
    static String body(INDArray a, DisplayOptions options) {
        long[] shape = a.shape();
        if (a.length() == 0) {
            return PREFIX + "[]";
        }
        TensorSample sample = TensorSample.of(a, options);
        String[] cells = sample.formatted(options.precision());
        if (shape.length == 0) {
            return PREFIX + cells[0].strip();
        }
        // NumPy reduces the width by the one-character suffix (',') that follows the data.
        return PREFIX + new Formatter(sample, cells, LINE_WIDTH - 1).format();
    }

    /** A shape in Python tuple form: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    public static String shapeString(long[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i]);
        }
        return b.append(')').toString();
    }

    /** NumPy's name of an ND4J data type: float32, float64, int64, uint8, bool, ... */
    public static String dtypeName(DataType t) {
        return switch (t) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case HALF -> "float16";
            case BFLOAT16 -> "bfloat16";
            case LONG -> "int64";
            case INT -> "int32";
            case SHORT -> "int16";
            case BYTE -> "int8";
            case UBYTE -> "uint8";
            case UINT16 -> "uint16";
            case UINT32 -> "uint32";
            case UINT64 -> "uint64";
            case BOOL -> "bool";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** NumPy's {@code _formatArray} recursion over the sampled elements. */
    private static final class Formatter {
        private final TensorSample s;
        private final String[] cells;
        private final int lineWidth;

        Formatter(TensorSample s, String[] cells, int lineWidth) {
            this.s = s;
            this.cells = cells;
            this.lineWidth = lineWidth;
        }

        String format() {
            return recurse(0, 0, " ".repeat(PREFIX.length() + 1), lineWidth);
        }

        private String recurse(int axis, int flat, String hangingIndent, int currWidth) {
            int rank = s.shape.length;
            int axesLeft = rank - axis;
            String nextIndent = hangingIndent + " ";
            int nextWidth = currWidth - 1;
            int n = s.shown[axis].length;
            boolean gap = s.gapAt(axis);
            int leading = gap ? n / 2 : 0;
            int trailing = gap ? n / 2 : n;
            StringBuilder out = new StringBuilder();
            if (axesLeft == 1) {
                int elemWidth = currWidth - 1; // room for ',' or ']'
                String[] line = {hangingIndent};
                for (int i = 0; i < leading; i++) {
                    extend(out, line, cells[flat * n + i], elemWidth, hangingIndent);
                    line[0] += ", ";
                }
                if (gap) {
                    extend(out, line, "...", elemWidth, hangingIndent);
                    line[0] += ", ";
                }
                for (int i = 0; i < trailing; i++) {
                    extend(out, line, cells[flat * n + leading + i], elemWidth, hangingIndent);
                    if (i < trailing - 1) {
                        line[0] += ", ";
                    }
                }
                out.append(line[0]);
            } else {
                String lineSep = "," + "\n".repeat(axesLeft - 1);
                for (int i = 0; i < leading; i++) {
                    out.append(hangingIndent).append(recurse(axis + 1, flat * n + i, nextIndent, nextWidth)).append(lineSep);
                }
                if (gap) {
                    out.append(hangingIndent).append("...").append(lineSep);
                }
                for (int i = 0; i < trailing; i++) {
                    out.append(hangingIndent).append(recurse(axis + 1, flat * n + leading + i, nextIndent, nextWidth));
                    if (i < trailing - 1) {
                        out.append(lineSep);
                    }
                }
            }
            return "[" + out.substring(hangingIndent.length()) + "]";
        }

        /** NumPy's {@code _extendLine}: wrap before a word that would pass the width, unless wrapping cannot help. */
        private static void extend(StringBuilder out, String[] line, String word, int width, String indent) {
            boolean wrap = line[0].length() + word.length() > width && line[0].length() > indent.length();
            if (wrap) {
                out.append(line[0].stripTrailing()).append('\n');
                line[0] = indent;
            }
            line[0] += word;
        }
    }
}
