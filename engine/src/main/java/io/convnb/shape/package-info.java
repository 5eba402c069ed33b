/**
 * Shape arithmetic of convolution and pooling: the one place where output sizes, padding splits,
 * transposed-convolution crops, receptive fields, parameter counts and multiply-adds are computed.
 *
 * <p>Pure {@code long} math, no ND4J. Every layer, every caller of the ops and the {@code %convmath}
 * magics go through {@link io.convnb.shape.ConvArithmetic} and {@link io.convnb.shape.ReceptiveField},
 * so a size shown in a notebook is the size the engine uses.
 *
 * <p>The central formula, per spatial axis, for input {@code in}, kernel {@code k}, stride {@code s},
 * dilation {@code d} and padding {@code pad_before}, {@code pad_after}:
 * <pre>out = floor((in + pad_before + pad_after - d*(k-1) - 1)/s) + 1</pre>
 *
 * <p>Impossible configurations throw {@link java.lang.IllegalArgumentException} whose message names
 * the layer, the axis, the sizes, the formula with the numbers filled in, and a fix.
 */
package io.convnb.shape;
