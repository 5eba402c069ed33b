package io.convnb.bench;

import io.convnb.data.Datasets;
import io.convnb.layers.ActivatedLayer;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.Layer;
import io.convnb.layers.MaxPooling2D;
import io.convnb.model.Sequential;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-layer time of one training step of the tutorial model (minimum over iterations, robust to a busy
 * machine), for finding where a step spends its time: run it like scripts/bench-train.sh runs TrainBenchmark.
 */
public class LayerProbe {
    public static void main(String[] a) {
        var b = Datasets.fashionMnist().train().batches(64, true, 1).next();
        INDArray x = b.features().dup();
        INDArray y = b.labels().dup();
        var model = new Sequential()
            .add(new Conv2D(32, 3, 3).activation("relu").inputShape(28, 28, 1))
            .add(new MaxPooling2D(2, 2))
            .add(new Flatten())
            .add(new Dense(128).activation("relu"))
            .add(new Dense(10).activation("softmax"));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        var conf = WorkspaceConfiguration.builder().initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE)
            .policyLearning(LearningPolicy.FIRST_LOOP).policyMirroring(MirroringPolicy.FULL).policySpill(SpillPolicy.REALLOCATE).build();
        List<Layer> ls = model.layers();
        long[] fw = new long[5];
        long[] bw = new long[5];
        long[] other = {Long.MAX_VALUE, Long.MAX_VALUE};
        Arrays.fill(fw, Long.MAX_VALUE);
        Arrays.fill(bw, Long.MAX_VALUE);
        long total = Long.MAX_VALUE;
        long sum = 0;
        for (int it = 0; it < 60; it++) {
            long t0 = System.nanoTime();
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "probe")) {
                INDArray act = x;
                for (int i = 0; i < 5; i++) {
                    long t = System.nanoTime();
                    act = ls.get(i).forward(act, true);
                    fw[i] = Math.min(fw[i], System.nanoTime() - t);
                }
                long t = System.nanoTime();
                model.loss().value(act, y);
                other[0] = Math.min(other[0], System.nanoTime() - t);
                INDArray g = act.sub(y).divi(64);
                g = ((ActivatedLayer) ls.get(4)).backwardFromPreActivation(g);
                for (int i = 3; i >= 0; i--) {
                    t = System.nanoTime();
                    g = ls.get(i).backward(g);
                    bw[i] = Math.min(bw[i], System.nanoTime() - t);
                }
                t = System.nanoTime();
                model.optimizer().step(model.parameters());
                other[1] = Math.min(other[1], System.nanoTime() - t);
            }
            total = Math.min(total, System.nanoTime() - t0);
            if (it >= 10) {
                sum += System.nanoTime() - t0;
            }
        }
        for (int i = 0; i < 5; i++) {
            System.out.printf("%-14s fwd %7.3f ms  bwd %7.3f ms%n", ls.get(i).name(), fw[i] / 1e6, bw[i] / 1e6);
        }
        System.out.printf("loss %.3f ms, optimizer %.3f ms, best step %.3f ms -> %.0f samples/s; mean step %.3f ms%n", other[0] / 1e6, other[1] / 1e6, total / 1e6, 64e9 / total, sum / 50 / 1e6);
    }
}
