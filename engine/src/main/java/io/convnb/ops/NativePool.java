package io.convnb.ops;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Max and average pooling of FLOAT NHWC tensors by libnd4j's {@code maxpool2d}/{@code avgpool2d} ops and
 * their {@code _bp} gradients (oneDNN's pooling primitives on this backend), where they can express the
 * geometry: symmetric pads, or TensorFlow's "same" pads. On (32, 56, 56, 64) 2x2 they took 1.2 + 2.4 ms
 * (max) and 1.0 + 1.3 ms (average) where the Java passes of {@link MaxPoolFloat}, which copy every row
 * through the Java heap, took 1.8 + 3.9 and 1.8 + 1.8 ms. The semantics are the engine's: padded cells
 * never win a max window or count in an average, and on ties the first cell in row-major order takes
 * the gradient ({@code Pool2DOpsTest} checks both against the double reference path).
 */
final class NativePool {
    static {
        NativeMalloc.tune();   // before oneDNN's first temporary buffer
    }

    /** Not final so that tests can run the Java passes on geometries this class would take. */
    static volatile boolean enabled = true;

    private NativePool() {
    }

    /**
     * The op's integer arguments for this geometry (kH, kW, sH, sW, pH, pW, dH, dW, sameMode, extra,
     * NHWC), or null when libnd4j cannot express its pads. {@code extra} = 0: an average divides by its
     * valid cells.
     */
    static int[] arguments(int ph, int pw, ConvGeometry g, Conv2DSpec s) {
        if (!enabled) {
            return null;
        }
        if (s.padTop() == s.padBottom() && s.padLeft() == s.padRight()) {
            return new int[] {ph, pw, g.sh(), g.sw(), g.pt(), g.pl(), 1, 1, 0, 0, 1};
        }
        if (BuiltinConv.isSame(g.h(), g.oh(), ph, g.sh(), 1, s.padTop(), s.padBottom())
                && BuiltinConv.isSame(g.w(), g.ow(), pw, g.sw(), 1, s.padLeft(), s.padRight())) {
            return new int[] {ph, pw, g.sh(), g.sw(), 0, 0, 1, 1, 1, 0, 1};
        }
        return null;
    }

    static INDArray forward(INDArray x, int[] args, ConvGeometry g, boolean max) {
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, new long[] {g.n(), g.oh(), g.ow(), g.c()}, 'c');
        Nd4j.exec(DynamicCustomOp.builder(max ? "maxpool2d" : "avgpool2d")
                .addInputs(OpChecks.plain(x)).addOutputs(y).addIntegerArguments(args).build());
        return y;
    }

    /**
     * The input gradient for {@code dy}. Max pooling finds the winners again from the input {@code x};
     * average pooling reads only x's shape, so {@code x} may be any array of that shape.
     */
    static INDArray backward(INDArray x, INDArray dy, int[] args, boolean max) {
        INDArray dx = Nd4j.createUninitialized(DataType.FLOAT, x.shape(), 'c');
        Nd4j.exec(DynamicCustomOp.builder(max ? "maxpool2d_bp" : "avgpool2d_bp")
                .addInputs(OpChecks.plain(x), OpChecks.plain(dy)).addOutputs(dx).addIntegerArguments(args).build());
        return dx;
    }
}
