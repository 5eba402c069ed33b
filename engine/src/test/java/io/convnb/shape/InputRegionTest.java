package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class InputRegionTest {

    /** Input cells seen by cell o after the steps, walking back: [lo, hi] -> [lo*s - pad, hi*s - pad + d*(k-1)]. */
    static long[] walkBack(long o, List<long[]> steps) {
        long lo = o, hi = o;
        for (int i = steps.size() - 1; i >= 0; i--) {
            long[] st = steps.get(i);   // k, s, d, padBefore
            lo = lo * st[1] - st[3];
            hi = hi * st[1] - st[3] + st[2] * (st[0] - 1);
        }
        return new long[] {lo, hi};
    }

    @Test
    void firstAndLastInputMatchTheWalkBackForEveryCellOfAGridOfStacks() {
        long[][][] stacks = {
            {{3, 1, 1, 1, 1}, {2, 2, 1, 0, 0}, {3, 2, 1, 1, 0}},
            {{4, 1, 1, 1, 2}, {3, 3, 2, 2, 2}},
            {{5, 2, 1, 0, 0}, {2, 1, 3, 1, 2}, {1, 1, 1, 0, 0}, {3, 2, 1, 1, 1}},
        };
        int checked = 0;
        for (long input : new long[] {9, 17, 32}) {
            for (long[][] stack : stacks) {
                List<LayerStep> steps = new java.util.ArrayList<>();
                List<long[]> raw = new java.util.ArrayList<>();
                for (int i = 0; i < stack.length; i++) {
                    long[] st = stack[i];
                    steps.add(LayerStep.explicit("l" + i, st[0], st[1], st[2], st[3], st[4]));
                    raw.add(st);
                }
                List<ReceptiveFieldRow> rows;
                try {
                    rows = ReceptiveField.of(input, steps);
                } catch (IllegalArgumentException e) {
                    continue;   // too small an input for this stack
                }
                for (int l = 1; l < rows.size(); l++) {
                    ReceptiveFieldRow row = rows.get(l);
                    for (long o = 0; o < row.outputSize(); o++) {
                        long[] want = walkBack(o, raw.subList(0, l));
                        assertEquals(want[0], row.firstInput(o), "input " + input + " layer " + l + " cell " + o);
                        assertEquals(want[1], row.lastInput(o), "input " + input + " layer " + l + " cell " + o);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked > 100, checked + " cells checked");
    }

    @Test
    void regionClipsToTheInputAndSaysWhatIsPadding() {
        ReceptiveFieldRow h = new ReceptiveFieldRow("c", 4, 5, 2, 0.0);   // cell o sees 2o-2..2o+2
        ReceptiveFieldRow w = new ReceptiveFieldRow("c", 3, 3, 1, 1.0);   // cell o sees o..o+2
        InputRegion r = InputRegion.of(h, w, 0, 2, 7, 4);
        assertEquals(List.of(-2L, 2L, 2L, 4L), List.of(r.top(), r.bottom(), r.left(), r.right()));
        assertEquals(List.of(0L, 2L, 2L, 3L), List.of(r.clippedTop(), r.clippedBottom(), r.clippedLeft(), r.clippedRight()));
        assertTrue(r.reachesPadding());
        assertEquals("rows -2..2, columns 2..4 (5x3; on the input: rows 0..2, columns 2..3, the rest is padding)",
                r.describe());
        InputRegion inside = InputRegion.of(h, w, 1, 0, 7, 4);
        assertFalse(inside.reachesPadding());
        assertEquals("rows 0..4, columns 0..2 (5x3)", inside.describe());
        InputRegion outside = new InputRegion("c", 0, 0, -4, -1, 0, 2, 7, 4);
        assertFalse(outside.touchesInput());
        assertEquals("rows -4..-1, columns 0..2 (4x3; it lies entirely in the padding)", outside.describe());
        assertEquals("Receptive field of 'c': cell (4, 0) is outside its 4x3 output; use row 0..3 and col 0..2.",
                assertThrows(IllegalArgumentException.class, () -> InputRegion.of(h, w, 4, 0, 7, 4)).getMessage());
        assertEquals("Receptive field of 'c': cell -1 is outside its 4 output cells; use 0..3.",
                assertThrows(IllegalArgumentException.class, () -> h.firstInput(-1)).getMessage());
    }
}
