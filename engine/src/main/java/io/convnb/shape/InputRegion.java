package io.convnb.shape;

/**
 * The rectangle of input cells one output cell of a layer sees (its receptive field), in input
 * coordinates, rows {@code top..bottom} and columns {@code left..right} inclusive. It may reach past the
 * input into the padding (negative, or at or past the input's size); {@link #clippedTop()} and the
 * others give the part on the input.
 *
 * @param layer       the layer's name
 * @param row         the output cell's row in that layer's output
 * @param col         the output cell's column
 * @param top         first input row seen
 * @param bottom      last input row seen
 * @param left        first input column seen
 * @param right       last input column seen
 * @param inputHeight input rows
 * @param inputWidth  input columns
 */
public record InputRegion(String layer, long row, long col, long top, long bottom, long left, long right,
                          long inputHeight, long inputWidth) {

    /**
     * The region of cell {@code (row, col)} from the height and width rows of a receptive-field table
     * ({@link ReceptiveField#of(String, long, java.util.List)}): rows
     * {@code height.firstInput(row)..height.lastInput(row)}, columns likewise.
     *
     * @throws IllegalArgumentException when the cell is outside the layer's output
     */
    public static InputRegion of(ReceptiveFieldRow height, ReceptiveFieldRow width, long row, long col,
                                 long inputHeight, long inputWidth) {
        if (row < 0 || row >= height.outputSize() || col < 0 || col >= width.outputSize()) {
            throw new IllegalArgumentException("Receptive field of '" + height.layer() + "': cell (" + row + ", " + col
                    + ") is outside its " + height.outputSize() + "x" + width.outputSize() + " output; use row 0.."
                    + (height.outputSize() - 1) + " and col 0.." + (width.outputSize() - 1) + ".");
        }
        return new InputRegion(height.layer(), row, col, height.firstInput(row), height.lastInput(row),
                width.firstInput(col), width.lastInput(col), inputHeight, inputWidth);
    }

    /** Rows seen, padding included: {@code bottom - top + 1}. */
    public long height() {
        return bottom - top + 1;
    }

    /** Columns seen, padding included. */
    public long width() {
        return right - left + 1;
    }

    /** {@code max(top, 0)}. */
    public long clippedTop() {
        return Math.max(top, 0);
    }

    /** {@code min(bottom, inputHeight-1)}. */
    public long clippedBottom() {
        return Math.min(bottom, inputHeight - 1);
    }

    /** {@code max(left, 0)}. */
    public long clippedLeft() {
        return Math.max(left, 0);
    }

    /** {@code min(right, inputWidth-1)}. */
    public long clippedRight() {
        return Math.min(right, inputWidth - 1);
    }

    /** Whether part of the field lies in the padding, outside the input. */
    public boolean reachesPadding() {
        return top < 0 || left < 0 || bottom >= inputHeight || right >= inputWidth;
    }

    /** Whether any of the field lies on the input (a window can lie entirely in wide padding). */
    public boolean touchesInput() {
        return clippedTop() <= clippedBottom() && clippedLeft() <= clippedRight();
    }

    /** E.g. {@code rows -1..3, columns 4..8 (5x5; clipped to rows 0..3, columns 4..8)}. */
    public String describe() {
        String s = "rows " + top + ".." + bottom + ", columns " + left + ".." + right + " (" + height() + "x" + width();
        if (!touchesInput()) {
            s += "; it lies entirely in the padding";
        } else if (reachesPadding()) {
            s += "; on the input: rows " + clippedTop() + ".." + clippedBottom() + ", columns " + clippedLeft() + ".."
                    + clippedRight() + ", the rest is padding";
        }
        return s + ")";
    }
}
