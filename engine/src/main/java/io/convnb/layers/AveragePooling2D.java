package io.convnb.layers;

import io.convnb.ops.Pool2DOps;
import io.convnb.shape.Padding;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Average pooling over {@code poolH x poolW} windows. With {@code "same"} padding a window at the
 * border averages over its valid (unpadded) cells only, as Keras does.
 */
public class AveragePooling2D extends Pooling2D {
    private long[] inputNhwcShape;

    public AveragePooling2D(int poolH, int poolW) {
        super(poolH, poolW);
    }

    public AveragePooling2D(int pool) {
        this(pool, pool);
    }

    public AveragePooling2D strides(int sh, int sw) {
        setStrides(sh, sw);
        return this;
    }

    public AveragePooling2D padding(String padding) {
        setPadding(Padding.of(padding));
        return this;
    }

    public AveragePooling2D padding(Padding padding) {
        setPadding(padding);
        return this;
    }

    public AveragePooling2D dataFormat(String format) {
        this.dataFormat = DataFormat.of(format);
        return this;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        checkBatch(x);
        INDArray nhwc = dataFormat.toNhwc(x);
        inputNhwcShape = nhwc.shape();
        return dataFormat.fromNhwc(Pool2DOps.avgForward(nhwc, poolH, poolW, spec));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return dataFormat.fromNhwc(Pool2DOps.avgBackward(dataFormat.toNhwc(gradOutput), inputNhwcShape, poolH, poolW, spec));
    }

    static AveragePooling2D fromConfig(Map<String, Object> c) {
        int[] p = pool(c);
        AveragePooling2D layer = new AveragePooling2D(p[0], p[1]);
        layer.applyPoolConfig(c);
        return layer;
    }
}
