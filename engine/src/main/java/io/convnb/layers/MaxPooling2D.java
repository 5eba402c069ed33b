package io.convnb.layers;

import io.convnb.ops.Pool2DOps;
import io.convnb.ops.PoolResult;
import io.convnb.shape.Padding;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Max pooling over {@code poolH x poolW} windows; padded cells never win. */
public class MaxPooling2D extends Pooling2D {
    private PoolResult last;

    public MaxPooling2D(int poolH, int poolW) {
        super(poolH, poolW);
    }

    public MaxPooling2D(int pool) {
        this(pool, pool);
    }

    public MaxPooling2D strides(int sh, int sw) {
        setStrides(sh, sw);
        return this;
    }

    public MaxPooling2D padding(String padding) {
        setPadding(Padding.of(padding));
        return this;
    }

    public MaxPooling2D padding(Padding padding) {
        setPadding(padding);
        return this;
    }

    public MaxPooling2D dataFormat(String format) {
        this.dataFormat = DataFormat.of(format);
        return this;
    }

    @Override
    public INDArray forward(INDArray x, boolean training) {
        checkBatch(x);
        last = Pool2DOps.maxForward(dataFormat.toNhwc(x), poolH, poolW, spec);
        return dataFormat.fromNhwc(last.output());
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return dataFormat.fromNhwc(Pool2DOps.maxBackward(last, dataFormat.toNhwc(gradOutput)));
    }

    static MaxPooling2D fromConfig(Map<String, Object> c) {
        int[] p = pool(c);
        MaxPooling2D layer = new MaxPooling2D(p[0], p[1]);
        layer.applyPoolConfig(c);
        return layer;
    }
}
