package io.convnb.layers;

import io.convnb.ops.Pool2DOps;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Maximum over all spatial positions of each channel: {@code (N, H, W, C) -> (N, C)}. */
public class GlobalMaxPooling2D extends GlobalPooling2D {
    private INDArray input;

    @Override
    public INDArray forward(INDArray x, boolean training) {
        input = remember(x);
        return Pool2DOps.globalMax(x);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        return Pool2DOps.globalMaxBackward(input, gradOutput);
    }

    static GlobalMaxPooling2D fromConfig(Map<String, Object> c) {
        GlobalMaxPooling2D layer = new GlobalMaxPooling2D();
        layer.applyCommonConfig(c);
        return layer;
    }
}
