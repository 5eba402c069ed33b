package io.convnb.layers;

import io.convnb.ops.Conv2DSpec;
import io.convnb.shape.ConvArithmetic;
import io.convnb.shape.Geometry2D;
import io.convnb.shape.Padding;
import java.util.List;
import java.util.Map;

/**
 * Hyper-parameters shared by the convolution layers (Keras' {@code BaseConv}): filters, kernel size,
 * strides, padding, dilation, groups, bias, initializer and regularizer. Output sizes are computed by
 * {@link ConvArithmetic} only.
 */
public abstract class ConvLayer extends ActivatedLayer {
    protected final int filters;
    protected int kernelH;
    protected int kernelW;
    protected int strideH = 1;
    protected int strideW = 1;
    protected int dilationH = 1;
    protected int dilationW = 1;
    protected int groups = 1;
    protected Padding padding = Padding.VALID;
    /** top, bottom, left, right when {@code padding == EXPLICIT}. */
    protected int[] explicitPadding;
    protected DataFormat dataFormat = DataFormat.CHANNELS_LAST;
    protected boolean useBias = true;
    protected Initializer kernelInitializer = Initializer.GLOROT_UNIFORM;
    protected double l2;

    protected ConvLayer(int filters, int kernelH, int kernelW) {
        if (filters < 1) {
            throw new IllegalArgumentException(typeName() + ": filters must be >= 1, got " + filters + ".");
        }
        this.filters = filters;
        checkPositive("kernelSize", kernelH, kernelW);
        this.kernelH = kernelH;
        this.kernelW = kernelW;
    }

    protected final void checkPositive(String what, int a, int b) {
        if (a < 1 || b < 1) {
            throw new IllegalArgumentException(who() + what + " must be >= 1 on every axis, got (" + a + ", " + b + ").");
        }
    }

    protected final void checkNotBuilt(String what) {
        if (isBuilt()) {
            throw new IllegalStateException(who() + "cannot change " + what + " after the layer is built; create a new layer.");
        }
    }

    public int filters() {
        return filters;
    }

    public int[] kernelSize() {
        return new int[] {kernelH, kernelW};
    }

    public int[] strides() {
        return new int[] {strideH, strideW};
    }

    public int[] dilationRate() {
        return new int[] {dilationH, dilationW};
    }

    public Padding padding() {
        return padding;
    }

    public int groups() {
        return groups;
    }

    public DataFormat dataFormat() {
        return dataFormat;
    }

    public boolean useBias() {
        return useBias;
    }

    protected void setStrides(int sh, int sw) {
        checkNotBuilt("strides");
        checkPositive("strides", sh, sw);
        strideH = sh;
        strideW = sw;
    }

    protected void setDilation(int dh, int dw) {
        checkNotBuilt("dilationRate");
        checkPositive("dilationRate", dh, dw);
        dilationH = dh;
        dilationW = dw;
    }

    protected void setPadding(Padding p) {
        checkNotBuilt("padding");
        if (p == Padding.EXPLICIT) {
            throw new IllegalArgumentException(who() + "give explicit padding as numbers: padding(top, bottom, left, right).");
        }
        padding = p;
        explicitPadding = null;
    }

    protected void setPadding(int top, int bottom, int left, int right) {
        checkNotBuilt("padding");
        if (top < 0 || bottom < 0 || left < 0 || right < 0) {
            throw new IllegalArgumentException(who() + "explicit padding must be >= 0 on every side, got (top="
                    + top + ", bottom=" + bottom + ", left=" + left + ", right=" + right + ").");
        }
        padding = Padding.EXPLICIT;
        explicitPadding = new int[] {top, bottom, left, right};
    }

    protected void setGroups(int g) {
        checkNotBuilt("groups");
        if (g < 1) {
            throw new IllegalArgumentException(who() + "groups must be >= 1, got " + g + ".");
        }
        groups = g;
    }

    /** Output geometry of a 2-D convolution over (h, w), via the shared shape arithmetic. */
    protected Geometry2D geometry(long h, long w) {
        if (padding == Padding.EXPLICIT) {
            return ConvArithmetic.conv2d(label(), h, w, kernelH, kernelW, strideH, strideW, dilationH, dilationW,
                    explicitPadding[0], explicitPadding[1], explicitPadding[2], explicitPadding[3]);
        }
        return ConvArithmetic.conv2d(label(), h, w, kernelH, kernelW, strideH, strideW, dilationH, dilationW, padding);
    }

    protected Conv2DSpec spec(Geometry2D g) {
        return new Conv2DSpec(strideH, strideW, dilationH, dilationW,
                Math.toIntExact(g.height().padBefore()), Math.toIntExact(g.height().padAfter()),
                Math.toIntExact(g.width().padBefore()), Math.toIntExact(g.width().padAfter()), groups);
    }

    @Override
    protected void putConfig(Map<String, Object> c) {
        c.put("filters", filters);
        c.put("kernel_size", List.of(kernelH, kernelW));
        c.put("strides", List.of(strideH, strideW));
        c.put("padding", padding.name().toLowerCase(java.util.Locale.ROOT));
        if (explicitPadding != null) {
            c.put("explicit_padding", List.of(explicitPadding[0], explicitPadding[1], explicitPadding[2], explicitPadding[3]));
        }
        c.put("data_format", dataFormat.kerasName());
        c.put("dilation_rate", List.of(dilationH, dilationW));
        c.put("groups", groups);
        super.putConfig(c);
        c.put("use_bias", useBias);
        c.put("kernel_initializer", kernelInitializer.kerasName());
        c.put("kernel_regularizer_l2", l2);
    }

    /** Restores the settings written by {@link #putConfig}. */
    protected void applyConvConfig(Map<String, Object> c) {
        applyCommonConfig(c);
        List<?> s = (List<?>) c.get("strides");
        setStrides(((Number) s.get(0)).intValue(), ((Number) s.get(1)).intValue());
        List<?> d = (List<?>) c.get("dilation_rate");
        setDilation(((Number) d.get(0)).intValue(), ((Number) d.get(1)).intValue());
        if (c.get("explicit_padding") != null) {
            List<?> p = (List<?>) c.get("explicit_padding");
            setPadding(((Number) p.get(0)).intValue(), ((Number) p.get(1)).intValue(),
                    ((Number) p.get(2)).intValue(), ((Number) p.get(3)).intValue());
        } else {
            setPadding(Padding.of((String) c.get("padding")));
        }
        dataFormat = DataFormat.of((String) c.get("data_format"));
        setGroups(((Number) c.get("groups")).intValue());
        useBias = (Boolean) c.get("use_bias");
        kernelInitializer = Initializer.of((String) c.get("kernel_initializer"));
        l2 = ((Number) c.get("kernel_regularizer_l2")).doubleValue();
    }
}
