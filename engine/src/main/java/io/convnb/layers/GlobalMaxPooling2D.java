package io.convnb.layers;

import io.convnb.ops.Pool2DOps;
import io.convnb.ops.PoolResult;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Maximum over all spatial positions of each channel: {@code (N, H, W, C) -> (N, C)}. */
public class GlobalMaxPooling2D extends GlobalPooling2D {
    private PoolResult last;

    @Override
    public INDArray forward(INDArray x, boolean training) {
        remember(x);
        // A global max is a max pool whose window is the whole image.
        long[] s = x.shape();
        int h = Math.toIntExact(s[1]);
        int w = Math.toIntExact(s[2]);
        last = Pool2DOps.maxForward(x, h, w, new io.convnb.ops.Conv2DSpec(h, w, 1, 1, 0, 0, 0, 0, 1));
        return last.output().reshape(s[0], s[3]);
    }

    @Override
    public INDArray backward(INDArray gradOutput) {
        long[] s = inputShapeWithBatch;
        return Pool2DOps.maxBackward(last, gradOutput.reshape(s[0], 1, 1, s[3]));
    }

    static GlobalMaxPooling2D fromConfig(Map<String, Object> c) {
        GlobalMaxPooling2D layer = new GlobalMaxPooling2D();
        layer.applyCommonConfig(c);
        return layer;
    }
}
