package io.convnb.layers;

import io.convnb.ops.Pool2DOps;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Mean over all spatial positions of each channel: {@code (N, H, W, C) -> (N, C)}. */
public class GlobalAveragePooling2D extends GlobalPooling2D {
    @Override
    public INDArray forward(INDArray x, boolean training) {
        return Pool2DOps.globalAvg(remember(x));
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return Pool2DOps.globalAvgBackward(gradOutput, inputShapeWithBatch);
    }

    static GlobalAveragePooling2D fromConfig(Map<String, Object> c) {
        GlobalAveragePooling2D layer = new GlobalAveragePooling2D();
        layer.applyCommonConfig(c);
        return layer;
    }
}
