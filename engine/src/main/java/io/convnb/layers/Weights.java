package io.convnb.layers;

import io.convnb.shape.Shapes;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Shared checks for {@code setWeights}, before and after a layer is built.
 *
 * <p>A layer's hyper-parameters fix every axis of its kernel except the one that counts input
 * channels (or input features), so {@code setWeights} on a layer that is not built yet checks those
 * axes at once, keeps a copy, and the first {@code build} (the first {@code apply}, or the model's
 * build) installs it after checking the input-channel axis against the real input.
 */
final class Weights {
    private Weights() {
    }

    /** Weights given to a layer before it was built: copies, installed by {@link #install}. */
    record Pending(INDArray kernel, INDArray bias) {
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

    /**
     * Checks weights given before build against what the hyper-parameters fix and returns copies.
     *
     * @param want      the kernel shape, with {@code -1} on the input axis, which only the input fixes
     * @param inputAxis the axis that counts input channels (per group) or input features
     * @param layout    the kernel layout in words, e.g. {@code (kh, kw, in_channels/groups, filters)}
     */
    static Pending pending(Layer layer, long[] want, int inputAxis, String layout, INDArray kernelValue,
                           boolean useBias, long biasLength, INDArray biasValue) {
        if (kernelValue == null) {
            throw new IllegalArgumentException(layer.who() + "setWeights needs a kernel of shape " + layout + ", got null.");
        }
        long[] got = kernelValue.shape();
        boolean fits = got.length == want.length && got[inputAxis] >= 1;
        for (int d = 0; fits && d < want.length; d++) {
            fits = d == inputAxis || got[d] == want[d];
        }
        if (!fits) {
            throw new IllegalArgumentException(layer.who() + "the kernel must have shape " + layout + " = "
                    + pattern(want, inputAxis) + " for this layer's hyper-parameters, but has " + Shapes.format(got) + ".");
        }
        if (!useBias && biasValue != null) {
            throw new IllegalArgumentException(layer.who() + "the layer has useBias(false) but a bias was given; pass null.");
        }
        if (useBias) {
            if (biasValue == null) {
                throw new IllegalArgumentException(layer.who() + "a bias of shape " + Shapes.format(new long[] {biasLength}) + " is required (or create the layer with useBias(false)).");
            }
            if (biasValue.length() != biasLength || biasValue.rank() != 1) {
                throw new IllegalArgumentException(layer.who() + "bias must have shape " + Shapes.format(new long[] {biasLength}) + " but has "
                        + Shapes.format(biasValue.shape()) + ".");
            }
        }
        return new Pending(kernelValue.dup(), biasValue == null ? null : biasValue.dup());
    }

    /** Installs weights given before build; the message says which input the kernel was made for. */
    static void install(Layer layer, Pending pending, Parameter kernel, Parameter bias, long[] inputShape) {
        long[] want = kernel.value().shape();
        if (!Arrays.equals(want, pending.kernel().shape())) {
            throw new IllegalArgumentException(layer.who() + "the kernel given to setWeights has shape "
                    + Shapes.format(pending.kernel().shape()) + ", but for input " + Shapes.formatBatch(inputShape)
                    + " the layer needs " + Shapes.format(want) + "; give a kernel made for this input, or feed inputs"
                    + " with as many channels (features) as the kernel expects.");
        }
        assign(layer, kernel, pending.kernel(), bias, pending.bias());
    }

    private static String pattern(long[] want, int inputAxis) {
        StringBuilder s = new StringBuilder("(");
        for (int d = 0; d < want.length; d++) {
            s.append(d == 0 ? "" : ", ").append(d == inputAxis ? "any" : Long.toString(want[d]));
        }
        return s.append(')').toString();
    }

    private static void check(Layer layer, String what, Parameter p, INDArray value) {
        long[] want = p.value().shape();
        if (value == null || !Arrays.equals(want, value.shape())) {
            throw new IllegalArgumentException(layer.who() + what + " must have shape " + Shapes.format(want)
                    + " but has " + (value == null ? "null" : Shapes.format(value.shape())) + ".");
        }
    }
}
