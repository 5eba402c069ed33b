package io.convnb.ops;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Scratch probe: best wall time of DepthwiseConvFloat's phases in a step workspace. Not a test. */
public final class DepthwiseProbe {
    public static void main(String[] a) {
        int n = 32, h = 56, c = 64;
        ConvGeometry g = new ConvGeometry(n, h, h, c, h, h, c, 3, 3, 1, 1, 1, 1, 1, 1, c);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, h, h, c), k = Nd4j.rand(DataType.FLOAT, 3, 3, 1, c);
        INDArray b = Nd4j.rand(DataType.FLOAT, c), dy = Nd4j.rand(DataType.FLOAT, n, h, h, c);
        ChannelwiseKernels kern = a.length > 0 && a[0].equals("scalar") ? ChannelwiseScalarKernels.INSTANCE : DepthwiseConvFloat.kernels();
        var conf = org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration.builder().initialSize(0)
                .policyAllocation(org.nd4j.linalg.api.memory.enums.AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2)
                .policyLearning(org.nd4j.linalg.api.memory.enums.LearningPolicy.FIRST_LOOP)
                .policyMirroring(org.nd4j.linalg.api.memory.enums.MirroringPolicy.FULL)
                .policySpill(org.nd4j.linalg.api.memory.enums.SpillPolicy.REALLOCATE).build();
        Runnable[] phases = {
            () -> x.dup('c'),
            () -> DepthwiseConvFloat.forward(x, k, b, g, kern),
            () -> DepthwiseConvFloat.backward(x, k, dy, g, false, true, kern),
            () -> DepthwiseConvFloat.backward(x, k, dy, g, true, true, kern)};
        String[] names = {"dup", "fwd", "dW+db", "dx+dW+db"};
        double[] best = {1e9, 1e9, 1e9, 1e9};
        for (int it = 0; it < Integer.getInteger("its", 40); it++) {
            for (int i = 0; i < phases.length; i++) {
                try (var w = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "probe")) {
                    long t0 = System.nanoTime();
                    phases[i].run();
                    best[i] = Math.min(best[i], (System.nanoTime() - t0) / 1e6);
                }
            }
        }
        StringBuilder sb = new StringBuilder(kern.getClass().getSimpleName() + " best ms:");
        for (int i = 0; i < names.length; i++) {
            sb.append(String.format(" %s %.2f", names[i], best[i]));
        }
        System.out.println(sb);
    }
}
