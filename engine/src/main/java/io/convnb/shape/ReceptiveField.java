package io.convnb.shape;

import java.util.ArrayList;
import java.util.List;

/**
 * Receptive field, jump and centre of the first cell after each layer of a stack, along one axis.
 *
 * <p>Starting from the input ({@code r = 1}, {@code j = 1}, {@code start = 0}), each layer with
 * effective kernel {@code k_eff = d*(k-1)+1}, stride {@code s} and padding {@code pad_before} gives
 * <pre>
 * r_out     = r_in + (k_eff-1)*j_in
 * j_out     = j_in*s
 * start_out = start_in + ((k_eff-1)/2 - pad_before)*j_in
 * </pre>
 * Sizes come from {@link ConvArithmetic}, so an impossible layer fails with its usual message.
 */
public final class ReceptiveField {
    private ReceptiveField() {
    }

    /**
     * The table for a stack, starting with an {@code "input"} row; the axis is called {@code "size"}
     * in error messages.
     *
     * @param inputSize the input size on this axis
     * @param steps     the layers, first to last
     * @return one row for the input, then one per step
     * @throws IllegalArgumentException when a layer cannot be applied to its input
     */
    public static List<ReceptiveFieldRow> of(long inputSize, List<LayerStep> steps) {
        return of("size", inputSize, steps);
    }

    /**
     * As {@link #of(long, List)}, naming the axis ({@code "height"}, {@code "width"}, {@code "steps"}).
     */
    public static List<ReceptiveFieldRow> of(String axis, long inputSize, List<LayerStep> steps) {
        List<ReceptiveFieldRow> rows = new ArrayList<>(steps.size() + 1);
        rows.add(new ReceptiveFieldRow("input", checkedInput(axis, inputSize), 1, 1, 0.0));
        long size = inputSize;
        long field = 1;
        long jump = 1;
        double start = 0.0;
        for (LayerStep step : steps) {
            AxisGeometry g = step.padding() == Padding.EXPLICIT
                    ? ConvArithmetic.axis(step.name(), axis, size, step.kernel(), step.stride(), step.dilation(),
                            step.padBefore(), step.padAfter())
                    : ConvArithmetic.axis(step.name(), axis, size, step.kernel(), step.stride(), step.dilation(),
                            step.padding());
            long span = g.effectiveKernel() - 1;
            start += (span / 2.0 - g.padBefore()) * jump;   // even spans centre between two cells
            field += span * jump;
            jump *= g.stride();
            size = g.output();
            rows.add(new ReceptiveFieldRow(step.name(), size, field, jump, start));
        }
        return List.copyOf(rows);
    }

    private static long checkedInput(String axis, long inputSize) {
        if (inputSize < 1) {
            throw new IllegalArgumentException("Receptive field: input " + axis + " must be at least 1, received "
                    + inputSize + "; give the input size of the stack, e.g. 28.");
        }
        return inputSize;
    }
}
