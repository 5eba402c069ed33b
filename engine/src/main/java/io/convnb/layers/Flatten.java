package io.convnb.layers;

import io.convnb.shape.Shapes;

import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Flattens each sample to 1-D in C order (row-major, channels fastest for NHWC), as Keras. */
public class Flatten extends Layer {
    private long[] lastShape;

    @Override
    protected long[] computeOutputShape(long[] in) {
        return new long[] {Shapes.product(in)};
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        checkBatch(x);
        lastShape = x.shape();
        return x.reshape('c', x.size(0), x.length() / x.size(0));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return gradOutput.reshape('c', lastShape);
    }

    @Override
    protected void putConfig(Map<String, Object> config) {
        // no hyper-parameters
    }

    static Flatten fromConfig(Map<String, Object> c) {
        Flatten f = new Flatten();
        f.applyCommonConfig(c);
        return f;
    }
}
