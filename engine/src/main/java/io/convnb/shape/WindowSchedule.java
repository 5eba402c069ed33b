package io.convnb.shape;

/**
 * The order in which an animation of a sliding window visits the cells of a grid, with a bounded
 * number of frames: the output cells of a convolution, or the input cells of a transposed one.
 *
 * <p>The grid of {@code rows x cols} cells is cut into square blocks of {@code block x block} cells
 * (the last block of a row or column may be smaller), and frame {@code f} handles block {@code f} in
 * row-major order: its cells fill in, and the window is drawn at the block's first (top-left) cell.
 * {@code block} is the smallest size that gives at most {@code maxFrames} frames:
 * <pre>frames = ceil(rows/block) * ceil(cols/block) &lt;= maxFrames</pre>
 * so a small grid is visited one cell per frame ({@code block = 1}) and a 28x28 output with 48
 * frames at most in 5x5 blocks (6*6 = 36 frames).
 *
 * @param rows      grid rows, at least 1
 * @param cols      grid columns, at least 1
 * @param block     the side of one frame's block of cells
 * @param maxFrames the bound the block was chosen for
 */
public record WindowSchedule(long rows, long cols, long block, int maxFrames) {

    /** Checks the sizes and that the block keeps the frame count within the bound. */
    public WindowSchedule {
        if (rows < 1 || cols < 1 || block < 1 || maxFrames < 1) {
            throw new IllegalArgumentException("WindowSchedule: rows, cols, block and maxFrames must be at least 1, received"
                    + " rows=" + rows + ", cols=" + cols + ", block=" + block + ", maxFrames=" + maxFrames
                    + "; build schedules with WindowSchedule.of(rows, cols, maxFrames).");
        }
        if (blocks(rows, block) * blocks(cols, block) > maxFrames) {
            throw new IllegalArgumentException("WindowSchedule: blocks of " + block + "x" + block + " give "
                    + blocks(rows, block) * blocks(cols, block) + " frames for a " + rows + "x" + cols + " grid, more than"
                    + " maxFrames=" + maxFrames + "; build schedules with WindowSchedule.of(rows, cols, maxFrames).");
        }
    }

    /**
     * The schedule with the smallest block that needs at most {@code maxFrames} frames.
     *
     * @throws IllegalArgumentException when a size or the bound is below 1
     */
    public static WindowSchedule of(long rows, long cols, int maxFrames) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("WindowSchedule: the grid must have at least 1 row and 1 column, received "
                    + rows + "x" + cols + ".");
        }
        if (maxFrames < 1) {
            throw new IllegalArgumentException("WindowSchedule: maxFrames must be at least 1, received " + maxFrames
                    + "; use e.g. 48.");
        }
        long block = 1;
        while (blocks(rows, block) * blocks(cols, block) > maxFrames) {
            block++;
        }
        return new WindowSchedule(rows, cols, block, maxFrames);
    }

    private static long blocks(long n, long block) {
        return (n + block - 1) / block;
    }

    /** Blocks per row of the grid. */
    public long blockColumns() {
        return blocks(cols, block);
    }

    /** Blocks per column of the grid. */
    public long blockRows() {
        return blocks(rows, block);
    }

    /** Number of frames: one per block. */
    public int frames() {
        return Math.toIntExact(blockRows() * blockColumns());
    }

    /** Number of cells in the grid. */
    public long cells() {
        return rows * cols;
    }

    /** Whether several cells fill in per frame. */
    public boolean stepsSeveralCells() {
        return block > 1;
    }

    /** The cell {@code {row, col}} at which frame {@code frame} draws the window: its block's top-left cell. */
    public long[] cell(int frame) {
        checkFrame(frame);
        return new long[] {(frame / blockColumns()) * block, (frame % blockColumns()) * block};
    }

    /** The frame in which cell {@code (row, col)} fills in. */
    public int frameOf(long row, long col) {
        if (row < 0 || row >= rows || col < 0 || col >= cols) {
            throw new IllegalArgumentException("WindowSchedule: cell (" + row + ", " + col + ") is outside the " + rows
                    + "x" + cols + " grid.");
        }
        return Math.toIntExact((row / block) * blockColumns() + col / block);
    }

    /** Whether cell {@code (row, col)} has filled in by frame {@code frame} (inclusive). */
    public boolean done(long row, long col, int frame) {
        return frameOf(row, col) <= frame;
    }

    private void checkFrame(int frame) {
        if (frame < 0 || frame >= frames()) {
            throw new IllegalArgumentException("WindowSchedule: frame " + frame + " is outside 0.." + (frames() - 1) + ".");
        }
    }
}
