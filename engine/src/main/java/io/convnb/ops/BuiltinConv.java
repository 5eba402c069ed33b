package io.convnb.ops;

import org.nd4j.linalg.api.buffer.DataType;
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
    static {
        NativeMalloc.tune();   // before oneDNN's first temporary buffer
    }

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

    /** Whether (before, after) are TensorFlow's "same" pads for this axis: output ceil(in/stride), the odd pixel after. */
    static boolean isSame(int in, int out, int k, int stride, int dilation, int before, int after) {
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

    /**
     * Whether libnd4j's {@code depthwise_conv2d} runs this depthwise forward pass: FLOAT, {@code groups == C}
     * (any depth multiplier), no dilation, explicit symmetric pads. On (32,56,56,64) 3x3 it took 3.1 ms
     * where {@link DepthwiseConvFloat}'s Vector API kernels took about 5 and its plain-Java kernels 32.
     * (Its gradient op, {@code depthwise_conv2d_bp}, took 118 ms: the gradients stay elsewhere.)
     */
    static boolean depthwiseApplies(ConvGeometry g, Conv2DSpec s, DataType type) {
        return type == DataType.FLOAT && g.groups() == g.c() && g.groups() > 1 && g.dh() == 1 && g.dw() == 1
                && s.padTop() == s.padBottom() && s.padLeft() == s.padRight();
    }

    /**
     * Whether the input gradient of this depthwise layer is itself a depthwise convolution that
     * {@code depthwise_conv2d} runs: one output channel per input channel, stride 1, and pads p with
     * {@code p < k}, so that dy convolved with the kernel turned by 180 degrees and padded {@code k-1-p}
     * is exactly dx.
     */
    static boolean depthwiseInputGradientApplies(ConvGeometry g, Conv2DSpec s, DataType type) {
        return depthwiseApplies(g, s, type) && g.f() == g.c() && g.sh() == 1 && g.sw() == 1
                && s.padTop() < g.kh() && s.padLeft() < g.kw();
    }

    /** The forward pass where {@link #depthwiseApplies}; kernel (kh, kw, 1, C*M), bias (C*M) or null. */
    static INDArray depthwiseForward(INDArray x, INDArray kernel, INDArray biasOrNull, ConvGeometry g, Conv2DSpec s) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), g.f()}, 'c');
        INDArray w = OpChecks.plain(kernel).reshape('c', g.kh(), g.kw(), g.c(), g.f() / g.c());
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("depthwise_conv2d");
        if (biasOrNull == null) {
            op.addInputs(OpChecks.plain(x), w);
        } else {
            op.addInputs(OpChecks.plain(x), w, OpChecks.plain(biasOrNull).reshape(g.f()));
        }
        Nd4j.exec(op.addOutputs(y).addIntegerArguments(args(g, s, 0)).build());
        return y;
    }

    /** dx where {@link #depthwiseInputGradientApplies}: dy convolved with the turned kernel. */
    static INDArray depthwiseInputGradient(INDArray dy, INDArray kernel, ConvGeometry g, Conv2DSpec s) {
        int kh = g.kh(), kw = g.kw(), c = g.c();
        float[] k = OpChecks.plain(kernel).data().asFloat();
        float[] turned = new float[k.length];
        for (int i = 0; i < kh; i++) {
            for (int j = 0; j < kw; j++) {
                System.arraycopy(k, (i * kw + j) * c, turned, ((kh - 1 - i) * kw + (kw - 1 - j)) * c, c);
            }
        }
        INDArray w = Nd4j.create(turned, new long[] {kh, kw, c, 1}, DataType.FLOAT);
        ConvGeometry back = new ConvGeometry(g.n(), g.oh(), g.ow(), c, g.h(), g.w(), c, kh, kw, 1, 1, 1, 1,
                kh - 1 - s.padTop(), kw - 1 - s.padLeft(), c);
        Conv2DSpec bs = Conv2DSpec.of(1, 1, back.pt(), back.pt(), back.pl(), back.pl()).withGroups(c);
        return depthwiseForward(dy, w, null, back, bs);
    }
}
