package io.convnb.model;

import io.convnb.layers.Activation;
import io.convnb.layers.BatchNormalization;
import io.convnb.layers.Conv1D;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Conv2DTranspose;
import io.convnb.layers.ConvLayer;
import io.convnb.layers.Dropout;
import io.convnb.layers.Layer;
import io.convnb.layers.Pooling2D;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.Padding;

import java.util.List;
import java.util.Map;

/**
 * The spatial geometry of one layer of a {@link Sequential} on a given input size: which input cells
 * each output cell reads. Sizes come from {@link ConvArithmetic}, as in the layers themselves, so a
 * layer that cannot be applied fails with its usual message.
 *
 * <p>Three kinds of layer: windowed ({@code Conv2D}, {@code Conv2DTranspose}, {@code MaxPooling2D},
 * {@code AveragePooling2D}) have a {@link Geometry2D}; cell-wise ({@code Activation},
 * {@code BatchNormalization}, {@code Dropout}) keep every cell where it is; the rest ({@code Flatten},
 * {@code Dense}, global pooling, {@code Reshape}, {@code Conv1D}) end the spatial grid.
 */
public final class LayerGeometry {
    private LayerGeometry() {
    }

    /** Whether the layer maps each cell to the same cell (activation, batch normalization, dropout). */
    public static boolean cellwise(Layer layer) {
        return layer instanceof Activation || layer instanceof BatchNormalization || layer instanceof Dropout;
    }

    /** Whether the layer slides a window over a 2-D grid (convolution, transposed convolution, pooling). */
    public static boolean windowed(Layer layer) {
        return layer instanceof Conv2D || layer instanceof Conv2DTranspose || layer instanceof Pooling2D;
    }

    /**
     * The geometry of a windowed layer on an {@code inputH x inputW} input.
     *
     * @throws IllegalArgumentException when the layer has no window (name, type and the accepted kinds
     *                                  in the message) or cannot be applied to that input size
     */
    public static Geometry2D of(Layer layer, long inputH, long inputW) {
        String label = layer.typeName() + " '" + layer.name() + "'";
        Map<String, Object> c = layer.getConfig();
        if (layer instanceof Conv2DTranspose t) {
            if (t.padding() == Padding.EXPLICIT) {
                throw new IllegalArgumentException(label + ": explicit padding is not supported for a transposed"
                        + " convolution; use padding(\"valid\") or padding(\"same\").");
            }
            List<?> op = (List<?>) c.get("output_padding");
            return ConvArithmetic.transposed2d(label, inputH, inputW, t.kernelSize()[0], t.kernelSize()[1],
                    t.strides()[0], t.strides()[1], t.dilationRate()[0], t.dilationRate()[1], t.padding(),
                    ((Number) op.get(0)).longValue(), ((Number) op.get(1)).longValue());
        }
        if (layer instanceof Conv2D conv) {
            return convGeometry(label, conv, c, inputH, inputW);
        }
        if (layer instanceof Pooling2D pool) {
            List<?> s = (List<?>) c.get("strides");
            return ConvArithmetic.pool2d(label, inputH, inputW, pool.poolSize()[0], pool.poolSize()[1],
                    ((Number) s.get(0)).longValue(), ((Number) s.get(1)).longValue(), Padding.of((String) c.get("padding")));
        }
        String why = layer instanceof Conv1D ? "it is a 1-D convolution (steps, channels), not a 2-D one"
                : cellwise(layer) ? "it keeps every cell where it is" : "its output has no spatial grid";
        throw new IllegalArgumentException(label + " has no sliding window: " + why + ". Windowed layers are"
                + " Conv2D, Conv2DTranspose, MaxPooling2D and AveragePooling2D.");
    }

    private static Geometry2D convGeometry(String label, ConvLayer conv, Map<String, Object> c, long h, long w) {
        int[] k = conv.kernelSize(), s = conv.strides(), d = conv.dilationRate();
        if (conv.padding() == Padding.EXPLICIT) {
            List<?> p = (List<?>) c.get("explicit_padding");
            return ConvArithmetic.conv2d(label, h, w, k[0], k[1], s[0], s[1], d[0], d[1], ((Number) p.get(0)).longValue(),
                    ((Number) p.get(1)).longValue(), ((Number) p.get(2)).longValue(), ((Number) p.get(3)).longValue());
        }
        return ConvArithmetic.conv2d(label, h, w, k[0], k[1], s[0], s[1], d[0], d[1], conv.padding());
    }
}
