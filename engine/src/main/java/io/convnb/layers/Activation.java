package io.convnb.layers;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A stand-alone activation layer, as Keras' {@code Activation("relu")}. */
public class Activation extends Layer {
    private final Activations function;
    private INDArray in;
    private INDArray out;

    public Activation(String name) {
        this(Activations.of(name));
    }

    public Activation(Activations function) {
        this.function = function;
    }

    public Activations function() {
        return function;
    }

    @Override
    protected long[] computeOutputShape(long[] inputShape) {
        return inputShape;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        checkBatch(x);
        in = x;
        out = function.forward(x);
        return out;
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return function.backward(in, out, gradOutput);
    }

    @Override
    protected void putConfig(Map<String, Object> config) {
        config.put("activation", function.kerasName());
    }

    static Activation fromConfig(Map<String, Object> c) {
        Activation a = new Activation((String) c.get("activation"));
        a.applyCommonConfig(c);
        return a;
    }
}
