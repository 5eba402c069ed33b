package io.convnb.layers;

import io.convnb.shape.Shapes;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared checks for {@code setWeights}. */
final class Weights {
    private Weights() {
    }

    static void assign(Layer layer, Parameter kernel, INDArray kernelValue, Parameter bias, INDArray biasValue) {
        if (kernel == null) {
            throw new IllegalStateException(layer.who() + "build the layer (give it an inputShape or apply it once) before setWeights.");
        }
        check(layer, "kernel", kernel, kernelValue);
        if (bias == null && biasValue != null) {
            throw new IllegalArgumentException(layer.who() + "the layer has useBias(false) but a bias was given; pass null.");
        }
        if (bias != null) {
            if (biasValue == null) {
                throw new IllegalArgumentException(layer.who() + "a bias of shape " + Shapes.format(bias.value().shape()) + " is required (or build the layer with useBias(false)).");
            }
            check(layer, "bias", bias, biasValue);
            bias.value().assign(biasValue.castTo(bias.value().dataType()));
        }
        kernel.value().assign(kernelValue.castTo(kernel.value().dataType()));
    }

    private static void check(Layer layer, String what, Parameter p, INDArray value) {
        long[] want = p.value().shape();
        if (!java.util.Arrays.equals(want, value.shape())) {
            throw new IllegalArgumentException(layer.who() + what + " must have shape " + Shapes.format(want)
                    + " but has " + Shapes.format(value.shape()) + ".");
        }
    }
}
