package io.convnb.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's own {@code conv2d} / {@code conv2d_bp} custom ops (backed by oneDNN with the
 * {@code linux-x86_64-onednn} natives), called with NHWC data and Keras (kh, kw, in, out) weights.
 * libnd4j knows only symmetric padding or TensorFlow "same" padding and no groups, so
 * {@link #padMode} says whether a geometry can be expressed at all.
 */
final class BuiltinConv {
    /** libnd4j iArg: data format NHWC. */
    private static final int NHWC = 1;
    /** libnd4j iArg: weight format [kH, kW, iC, oC]. */
    private static final int WEIGHTS_KH_KW_IN_OUT = 0;

    private BuiltinConv() {
    }

    /**
     * 0 for explicit symmetric pads, 1 for TensorFlow "same" (odd pixel at the end), -1 when libnd4j
     * cannot express this geometry (groups, or asymmetric pads that are not "same").
     */
    static int padMode(ConvGeometry g, Conv2DSpec s) {
        // oneDNN rejected some dilated geometries ("could not create a descriptor for a dilated
        // convolution"), so dilated convolutions stay on im2col + GEMM.
        if (g.groups() != 1 || g.dh() != 1 || g.dw() != 1) {
            return -1;
        }
        // Stride-1 TensorFlow "same" geometries go as mode 1 even when their pads are symmetric: conv2d_bp
        // ran about 15 % faster that way on (32,56,56,64) x64 3x3 than with the same pads given
        // explicitly. Not with strides: libnd4j's "same" then got a 1x1 kernel at width stride 3 wrong.
        boolean sameH = isSame(g.h(), g.oh(), g.kh(), g.sh(), g.dh(), s.padTop(), s.padBottom());
        boolean sameW = isSame(g.w(), g.ow(), g.kw(), g.sw(), g.dw(), s.padLeft(), s.padRight());
        boolean symmetric = s.padTop() == s.padBottom() && s.padLeft() == s.padRight();
        if (sameH && sameW && (!symmetric || g.sh() == 1 && g.sw() == 1)) {
            return 1;
        }
        return symmetric ? 0 : -1;
    }

    private static boolean isSame(int in, int out, int k, int stride, int dilation, int before, int after) {
        int total = Math.max(0, (out - 1) * stride + dilation * (k - 1) + 1 - in);
        return out == (in + stride - 1) / stride && before == total / 2 && after == total - total / 2;
    }

    private static int[] args(ConvGeometry g, Conv2DSpec s, int mode) {
        int ph = mode == 0 ? s.padTop() : 0, pw = mode == 0 ? s.padLeft() : 0;
        return new int[] {g.kh(), g.kw(), g.sh(), g.sw(), ph, pw, g.dh(), g.dw(), mode, NHWC, WEIGHTS_KH_KW_IN_OUT};
    }

    static INDArray forward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g, Conv2DSpec s, int mode) {
        INDArray y = Nd4j.create(x.dataType(), new long[] {g.n(), g.oh(), g.ow(), g.f()}, 'c');
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d");
        if (biasOrNull == null) {
            op.addInputs(x, kernel);
        } else {
            op.addInputs(x, kernel, biasOrNull.reshape(g.f()));
        }
        Nd4j.exec(op.addOutputs(y).addIntegerArguments(args(g, s, mode)).build());
        return y;
    }

    /**
     * Whether libnd4j's {@code deconv2d} can give the input gradient of this geometry: explicit
     * symmetric pads (mode 0; its "same" mode ran 10-40 times slower than mode 0 on the same
     * geometry here, apparently outside oneDNN), and an output {@code (oh-1)*sh + dh*(kh-1) + 1 - 2*pad}
     * that is exactly the input size (a forward pass that dropped a remainder cannot be undone).
     */
    static boolean deconvApplies(ConvGeometry g, Conv2DSpec s) {
        return g.groups() == 1 && g.dh() == 1 && g.dw() == 1
                && s.padTop() == s.padBottom() && s.padLeft() == s.padRight()
                && (g.oh() - 1) * g.sh() + g.kh() - 2 * s.padTop() == g.h()
                && (g.ow() - 1) * g.sw() + g.kw() - 2 * s.padLeft() == g.w();
    }

    /**
     * The input gradient alone, {@code dx = conv_transpose(dy, kernel)}, as libnd4j's {@code deconv2d}
     * (oneDNN's deconvolution, which is its convolution's backward-data pass). Its weight layout
     * (kh, kw, out, in) is the conv kernel (kh, kw, C, F) as it is. Only where {@link #deconvApplies}.
     */
    static INDArray inputGradient(INDArray dy, INDArray kernel, ConvGeometry g, Conv2DSpec s) {
        INDArray dx = Nd4j.create(dy.dataType(), new long[] {g.n(), g.h(), g.w(), g.c()}, 'c');
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(dy, kernel).addOutputs(dx)
                .addIntegerArguments(args(g, s, 0)).build());
        return dx;
    }

    /** dx, dKernel and (with a bias) dBias; libnd4j always computes dx. */
    static ConvGradients backward(INDArray x, INDArray kernel, INDArray dy, boolean hasBias, ConvGeometry g,
                                  Conv2DSpec s, int mode) {
        INDArray dx = Nd4j.create(x.dataType(), x.shape(), 'c');
        INDArray dk = Nd4j.create(x.dataType(), kernel.shape(), 'c');
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d_bp");
        INDArray db = null;
        if (hasBias) {
            // conv2d_bp needs a bias input to produce a bias gradient; its values do not matter.
            db = Nd4j.create(x.dataType(), new long[] {g.f()}, 'c');
            op.addInputs(x, kernel, db.dup(), dy).addOutputs(dx, dk, db);
        } else {
            op.addInputs(x, kernel, dy).addOutputs(dx, dk);
        }
        Nd4j.exec(op.addIntegerArguments(args(g, s, mode)).build());
        return new ConvGradients(dx, dk, db);
    }
}
