package io.convnb.shape;

/**
 * One row of a receptive-field table, after a layer.
 *
 * @param layer          the layer's name ({@code "input"} for the first row)
 * @param outputSize     the size of this layer's output on the axis
 * @param receptiveField how many input cells one output cell sees (its span, holes included)
 * @param jump           the distance, in input cells, between two neighbouring output cells
 * @param firstCenter    the input coordinate of the centre of the first output cell's receptive field,
 *                       counting input cells from 0 (so the first input cell's centre is 0.0; a negative
 *                       value means the window reaches into the padding)
 */
public record ReceptiveFieldRow(String layer, long outputSize, long receptiveField, long jump, double firstCenter) {

    /**
     * The first input cell that output cell {@code cell} of this layer sees:
     * {@code firstCenter + cell*jump - (receptiveField-1)/2}. It is negative when the field starts in
     * the padding; it is always a whole number (an even span centres between two cells).
     *
     * @throws IllegalArgumentException when {@code cell} is outside {@code [0, outputSize)}
     */
    public long firstInput(long cell) {
        checkCell(cell);
        return Math.round(firstCenter - (receptiveField - 1) / 2.0) + cell * jump;
    }

    /**
     * The last input cell that output cell {@code cell} sees: {@code firstInput(cell) + receptiveField - 1};
     * at or past the input's size when the field ends in the padding.
     */
    public long lastInput(long cell) {
        return firstInput(cell) + receptiveField - 1;
    }

    private void checkCell(long cell) {
        if (cell < 0 || cell >= outputSize) {
            throw new IllegalArgumentException("Receptive field of '" + layer + "': cell " + cell + " is outside its "
                    + outputSize + " output cells; use 0.." + (outputSize - 1) + ".");
        }
    }
}
