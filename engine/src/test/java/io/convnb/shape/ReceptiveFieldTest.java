package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class ReceptiveFieldTest {

    private static ReceptiveFieldRow row(String layer, long size, long field, long jump, double center) {
        return new ReceptiveFieldRow(layer, size, field, jump, center);
    }

    @Test
    void threeThreeByThreeConvsSeeSeven() {
        List<ReceptiveFieldRow> rows = ReceptiveField.of(28, List.of(
                new LayerStep("conv1", 3, 1, 1, Padding.VALID), new LayerStep("conv2", 3, 1, 1, Padding.VALID),
                new LayerStep("conv3", 3, 1, 1, Padding.VALID)));
        assertEquals(List.of(row("input", 28, 1, 1, 0.0), row("conv1", 26, 3, 1, 1.0), row("conv2", 24, 5, 1, 2.0),
                row("conv3", 22, 7, 1, 3.0)), rows);
        // with "same" padding the sizes stay and the first window is centred on the first pixel
        List<ReceptiveFieldRow> same = ReceptiveField.of(28, List.of(
                LayerStep.conv("a", 3, 1, 1, Padding.SAME), LayerStep.conv("b", 3, 1, 1, Padding.SAME),
                LayerStep.conv("c", 3, 1, 1, Padding.SAME)));
        assertEquals(row("c", 28, 7, 1, 0.0), same.get(3));
    }

    @Test
    void convPoolConvSeesEightWithJumpTwo() {
        List<ReceptiveFieldRow> rows = ReceptiveField.of(28, List.of(
                LayerStep.conv("conv1", 3, 1, 1, Padding.VALID), LayerStep.pool("pool1", 2),
                LayerStep.conv("conv2", 3, 1, 1, Padding.VALID)));
        assertEquals(List.of(row("input", 28, 1, 1, 0.0), row("conv1", 26, 3, 1, 1.0), row("pool1", 13, 4, 2, 1.5),
                row("conv2", 11, 8, 2, 3.5)), rows);
    }

    @Test
    void dilatedCausalStackLikeWaveNet() {
        List<LayerStep> steps = new ArrayList<>();
        for (long d = 1; d <= 8; d *= 2) {
            steps.add(LayerStep.conv("dilated_" + d, 2, 1, d, Padding.CAUSAL));
        }
        List<ReceptiveFieldRow> rows = ReceptiveField.of("steps", 100, steps);
        assertEquals(row("dilated_8", 100, 16, 1, -7.5), rows.get(4));   // output 0 sees steps -15..0
    }

    @Test
    void stemOfResNetWithSamePadding() {
        List<ReceptiveFieldRow> rows = ReceptiveField.of(224, List.of(
                LayerStep.conv("conv1", 7, 2, 1, Padding.SAME), LayerStep.pool("pool1", 3, 2, Padding.SAME)));
        // conv1: pads 2/3, r = 7, j = 2, centre 3 - 2 = 1; pool1 on 112: pads 0/1, r = 7 + 2*2 = 11, j = 4
        assertEquals(List.of(row("input", 224, 1, 1, 0.0), row("conv1", 112, 7, 2, 1.0), row("pool1", 56, 11, 4, 3.0)),
                rows);
    }

    /**
     * Random stacks against a walk back through the layers: the first output cell (and its
     * neighbour) reaches a set of input coordinates (padding positions included); its span is the
     * receptive field, its middle the centre, and the neighbour's shift the jump.
     */
    @Test
    void randomStacksMatchAWalkBackThroughTheLayers() {
        Random random = new Random(20261128);
        Padding[] rules = Padding.values();
        int checked = 0;
        for (int trial = 0; trial < 400; trial++) {
            long input = 16 + random.nextInt(40);
            List<LayerStep> steps = new ArrayList<>();
            int depth = 1 + random.nextInt(4);
            for (int i = 0; i < depth; i++) {
                long k = 1 + random.nextInt(5);
                long s = 1 + random.nextInt(3);
                long d = 1 + random.nextInt(3);
                Padding p = rules[random.nextInt(rules.length)];
                steps.add(p == Padding.EXPLICIT ? LayerStep.explicit("l" + i, k, s, d, random.nextInt(3), random.nextInt(3))
                                                : LayerStep.conv("l" + i, k, s, d, p));
            }
            List<ReceptiveFieldRow> rows;
            try {
                rows = ReceptiveField.of(input, steps);
            } catch (IllegalArgumentException tooSmall) {
                assertTrue(tooSmall.getMessage().contains(": output size = floor(("), tooSmall.getMessage());
                continue;
            }
            List<AxisGeometry> geometries = new ArrayList<>();
            long size = input;
            for (LayerStep st : steps) {
                AxisGeometry g = st.padding() == Padding.EXPLICIT
                        ? ConvArithmetic.axis("x", "size", size, st.kernel(), st.stride(), st.dilation(), st.padBefore(), st.padAfter())
                        : ConvArithmetic.axis("x", "size", size, st.kernel(), st.stride(), st.dilation(), st.padding());
                geometries.add(g);
                size = g.output();
            }
            TreeSet<Long> first = walkBack(geometries, 0);
            TreeSet<Long> second = walkBack(geometries, 1);
            ReceptiveFieldRow last = rows.get(rows.size() - 1);
            assertEquals(size, last.outputSize());
            assertEquals(first.last() - first.first() + 1, last.receptiveField(), steps::toString);
            assertEquals((first.first() + first.last()) / 2.0, last.firstCenter(), 1e-12, steps::toString);
            assertEquals(second.first() - first.first(), last.jump(), steps::toString);
            checked++;
        }
        assertTrue(checked > 200, "checked " + checked);
    }

    private static TreeSet<Long> walkBack(List<AxisGeometry> layers, long cell) {
        TreeSet<Long> cells = new TreeSet<>(List.of(cell));
        for (int l = layers.size() - 1; l >= 0; l--) {
            AxisGeometry g = layers.get(l);
            TreeSet<Long> below = new TreeSet<>();
            for (long c : cells) {
                for (long j = 0; j < g.kernel(); j++) {
                    below.add(c * g.stride() - g.padBefore() + j * g.dilation());
                }
            }
            cells = below;
        }
        return cells;
    }

    @Test
    void aLayerThatDoesNotFitIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> ReceptiveField.of(6, List.of(
                LayerStep.conv("conv1", 3, 1, 1, Padding.VALID), LayerStep.conv("conv2", 5, 1, 1, Padding.VALID))));
        assertEquals("conv2: output size = floor((4 + 0 + 0 - 1*(5-1) - 1)/1) + 1 = 0 for input size 4 and kernel 5;"
                + " use padding=\"same\" or a kernel no larger than 4.", e.getMessage());
        assertEquals("Receptive field: input size must be at least 1, received 0; give the input size of the stack,"
                + " e.g. 28.", assertThrows(IllegalArgumentException.class,
                        () -> ReceptiveField.of(0, List.of())).getMessage());
        assertEquals("Layer step 'p': padding \"same\" computes its own amounts, received 1 before and 0 after;"
                + " use LayerStep.explicit(...) for explicit amounts.", assertThrows(IllegalArgumentException.class,
                        () -> new LayerStep("p", 3, 1, 1, Padding.SAME, 1, 0)).getMessage());
    }
}
