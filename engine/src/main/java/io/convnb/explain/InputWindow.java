package io.convnb.explain;

/**
 * A rectangle of input pixels, inclusive on every side: the receptive field of one output cell.
 * It may reach beyond the image (negative {@code top}/{@code left}, or {@code bottom >= height})
 * where the layers pad; those cells are zero padding, not pixels.
 *
 * @param top    first input row
 * @param left   first input column
 * @param bottom last input row (inclusive)
 * @param right  last input column (inclusive)
 */
public record InputWindow(long top, long left, long bottom, long right) {

    /** Rows covered, padding included. */
    public long height() {
        return bottom - top + 1;
    }

    /** Columns covered, padding included. */
    public long width() {
        return right - left + 1;
    }

    /** Whether input cell (row, col) lies in the window. */
    public boolean contains(long row, long col) {
        return row >= top && row <= bottom && col >= left && col <= right;
    }

    /** Whether the window reaches into the padding of an image of {@code height x width}. */
    public boolean reachesOutside(long imageHeight, long imageWidth) {
        return top < 0 || left < 0 || bottom >= imageHeight || right >= imageWidth;
    }

    @Override
    public String toString() {
        return "rows " + top + ".." + bottom + ", columns " + left + ".." + right + " (" + height() + "x" + width() + ")";
    }
}
