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
}
