package io.convnb.layers;

import io.convnb.ops.Conv2DSpec;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.Padding;
import java.util.List;
import java.util.Map;

/**
 * Shared settings of the 2-D pooling layers: window, strides (default: the window, as Keras),
 * padding {@code "valid"} or {@code "same"}, data format. Output sizes come from
 * {@link ConvArithmetic} with the window as kernel and dilation 1.
 */
public abstract class Pooling2D extends Layer {
    protected final int poolH;
    protected final int poolW;
    protected int strideH;
    protected int strideW;
    protected Padding padding = Padding.VALID;
    protected DataFormat dataFormat = DataFormat.CHANNELS_LAST;
    protected Conv2DSpec spec;

    protected Pooling2D(int poolH, int poolW) {
        if (poolH < 1 || poolW < 1) {
            throw new IllegalArgumentException(typeName() + ": poolSize must be >= 1 on every axis, got (" + poolH + ", " + poolW + ").");
        }
        this.poolH = poolH;
        this.poolW = poolW;
        this.strideH = poolH;
        this.strideW = poolW;
    }

    public int[] poolSize() {
        return new int[] {poolH, poolW};
    }

    protected void setStrides(int sh, int sw) {
        if (sh < 1 || sw < 1) {
            throw new IllegalArgumentException(who() + "strides must be >= 1 on every axis, got (" + sh + ", " + sw + ").");
        }
        strideH = sh;
        strideW = sw;
    }

    protected void setPadding(Padding p) {
        if (p != Padding.VALID && p != Padding.SAME) {
            throw new IllegalArgumentException(who() + "pooling padding must be \"valid\" or \"same\", got \"" + p.name().toLowerCase(java.util.Locale.ROOT) + "\".");
        }
        padding = p;
    }

    @Override
    protected long[] computeOutputShape(long[] in) {
        ConvArithmetic.requireRank(label(), in, 3, dataFormat == DataFormat.CHANNELS_LAST ? "(H, W, C)" : "(C, H, W)");
        long[] hwc = dataFormat.toHwc(in);
        Geometry2D g = ConvArithmetic.conv2d(label(), hwc[0], hwc[1], poolH, poolW, strideH, strideW, 1, 1, padding);
        spec = new Conv2DSpec(strideH, strideW, 1, 1,
                Math.toIntExact(g.height().padBefore()), Math.toIntExact(g.height().padAfter()),
                Math.toIntExact(g.width().padBefore()), Math.toIntExact(g.width().padAfter()), 1);
        return dataFormat.fromHwc(new long[] {g.height().output(), g.width().output(), hwc[2]});
    }

    @Override
    protected void putConfig(Map<String, Object> c) {
        c.put("pool_size", List.of(poolH, poolW));
        c.put("strides", List.of(strideH, strideW));
        c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
        c.put("data_format", dataFormat.kerasName());
    }

    protected void applyPoolConfig(Map<String, Object> c) {
        applyCommonConfig(c);
        List<?> s = (List<?>) c.get("strides");
        setStrides(((Number) s.get(0)).intValue(), ((Number) s.get(1)).intValue());
        setPadding(Padding.of((String) c.get("padding")));
        dataFormat = DataFormat.of((String) c.get("data_format"));
    }

    static int[] pool(Map<String, Object> c) {
        List<?> p = (List<?>) c.get("pool_size");
        return new int[] {((Number) p.get(0)).intValue(), ((Number) p.get(1)).intValue()};
    }
}
