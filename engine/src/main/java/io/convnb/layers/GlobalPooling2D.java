package io.convnb.layers;

import io.convnb.shape.ConvArithmetic;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Shared shape logic of the global pooling layers: {@code (H, W, C)} to {@code (C)}. */
abstract class GlobalPooling2D extends Layer {
    protected long[] inputShapeWithBatch;

    @Override
    protected long[] computeOutputShape(long[] in) {
        ConvArithmetic.requireRank(label(), in, 3, "(H, W, C)");
        return new long[] {in[2]};
    }

    @Override
    protected void putConfig(Map<String, Object> config) {
        // no hyper-parameters
    }

    protected INDArray remember(INDArray x) {
        checkBatch(x);
        inputShapeWithBatch = x.shape();
        return x;
    }
}
