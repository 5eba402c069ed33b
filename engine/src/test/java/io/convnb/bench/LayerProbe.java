package io.convnb.bench;

import io.convnb.data.Datasets;
import io.convnb.layers.*;
import io.convnb.model.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import java.util.*;

public class LayerProbe {
    public static void main(String[] a) {
        var data = Datasets.fashionMnist();
        var b = data.train().batches(64, true, 1).next();
        INDArray x = b.features().dup(), y = b.labels().dup();
        var model = new Sequential()
            .add(new Conv2D(32, 3, 3).activation("relu").inputShape(28, 28, 1))
            .add(new MaxPooling2D(2, 2))
            .add(new Flatten())
            .add(new Dense(128).activation("relu"))
            .add(new Dense(10).activation("softmax"));
        model.compile("adam", "categorical_crossentropy", "accuracy");
        int iters = 20;
        long[] fw = new long[5], bw = new long[5];
        long opt = 0, lossT = 0;
        for (int it = 0; it < iters + 5; it++) {
            INDArray act = x;
            List<Layer> ls = model.layers();
            for (int i = 0; i < 5; i++) { long t = System.nanoTime(); act = ls.get(i).forward(act, true); if (it >= 5) fw[i] += System.nanoTime() - t; }
            long t0 = System.nanoTime();
            model.loss().value(act, y);
            if (it >= 5) lossT += System.nanoTime() - t0;
            INDArray g = act.sub(y).divi(64);
            g = ((ActivatedLayer) ls.get(4)).backwardFromPreActivation(g);
            for (int i = 3; i >= 0; i--) { long t = System.nanoTime(); g = ls.get(i).backward(g); if (it >= 5) bw[i] += System.nanoTime() - t; }
            t0 = System.nanoTime();
            model.optimizer().step(model.parameters());
            if (it >= 5) opt += System.nanoTime() - t0;
        }
        for (int i = 0; i < 5; i++) System.out.printf("%-14s fwd %7.2f ms  bwd %7.2f ms%n", model.layers().get(i).name(), fw[i] / 1e6 / iters, bw[i] / 1e6 / iters);
        System.out.printf("loss %.2f ms, optimizer %.2f ms%n", lossT / 1e6 / iters, opt / 1e6 / iters);
    }
}
