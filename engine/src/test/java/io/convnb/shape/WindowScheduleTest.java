package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WindowScheduleTest {

    @Test
    void smallGridsGetOneCellPerFrameRowByRow() {
        WindowSchedule s = WindowSchedule.of(3, 4, 48);
        assertEquals(1, s.block());
        assertEquals(12, s.frames());
        assertFalse(s.stepsSeveralCells());
        for (int f = 0; f < 12; f++) {
            assertArrayEquals(new long[] {f / 4, f % 4}, s.cell(f));
            assertEquals(f, s.frameOf(f / 4, f % 4));
        }
        assertTrue(s.done(0, 3, 3));
        assertFalse(s.done(1, 0, 3));
    }

    @Test
    void largeGridsStepInTheSmallestSquareBlocksThatFit() {
        // 28x28 with 48 frames: blocks of 4 give 7*7 = 49, of 5 give 6*6 = 36
        WindowSchedule s = WindowSchedule.of(28, 28, 48);
        assertEquals(5, s.block());
        assertEquals(36, s.frames());
        assertArrayEquals(new long[] {5, 10}, s.cell(8));
        assertEquals(8, s.frameOf(9, 14));
        assertEquals(35, s.frameOf(27, 27));
        // every cell fills in exactly one frame, and the frame count is within the bound, for a grid of sizes
        for (long rows = 1; rows <= 40; rows += 3) {
            for (long cols = 1; cols <= 60; cols += 7) {
                for (int max : new int[] {1, 5, 48}) {
                    WindowSchedule t = WindowSchedule.of(rows, cols, max);
                    assertTrue(t.frames() <= max, t.toString());
                    if (t.block() > 1) {
                        long b = t.block() - 1;
                        assertTrue(((rows + b - 1) / b) * ((cols + b - 1) / b) > max, "block is the smallest: " + t);
                    }
                    int[] perFrame = new int[t.frames()];
                    for (long r = 0; r < rows; r++) {
                        for (long c = 0; c < cols; c++) {
                            perFrame[t.frameOf(r, c)]++;
                        }
                    }
                    for (int f = 0; f < t.frames(); f++) {
                        long[] first = t.cell(f);
                        assertEquals(f, t.frameOf(first[0], first[1]), "the window cell belongs to its frame");
                        assertTrue(perFrame[f] >= 1 && perFrame[f] <= t.block() * t.block());
                    }
                }
            }
        }
    }

    @Test
    void badArgumentsAreExplained() {
        assertEquals("WindowSchedule: maxFrames must be at least 1, received 0; use e.g. 48.",
                assertThrows(IllegalArgumentException.class, () -> WindowSchedule.of(3, 3, 0)).getMessage());
        assertEquals("WindowSchedule: the grid must have at least 1 row and 1 column, received 0x3.",
                assertThrows(IllegalArgumentException.class, () -> WindowSchedule.of(0, 3, 5)).getMessage());
        assertEquals("WindowSchedule: frame 9 is outside 0..8.",
                assertThrows(IllegalArgumentException.class, () -> WindowSchedule.of(3, 3, 9).cell(9)).getMessage());
        assertEquals("WindowSchedule: blocks of 1x1 give 9 frames for a 3x3 grid, more than maxFrames=4; build schedules"
                + " with WindowSchedule.of(rows, cols, maxFrames).",
                assertThrows(IllegalArgumentException.class, () -> new WindowSchedule(3, 3, 1, 4)).getMessage());
    }
}
