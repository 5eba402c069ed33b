package io.convnb.bench;

import io.convnb.data.Dataset;
import io.convnb.data.Datasets;
import io.convnb.layers.*;
import io.convnb.model.*;

public class TrainProbe {
    public static void main(String[] a) {
        var data = Datasets.fashionMnist();
        Dataset train = data.train().take(Integer.parseInt(a.length > 0 ? a[0] : "6400"));
        var model = new Sequential()
            .add(new Conv2D(32, 3, 3).activation("relu").inputShape(28, 28, 1))
            .add(new MaxPooling2D(2, 2))
            .add(new Flatten())
            .add(new Dense(128).activation("relu"))
            .add(new Dense(10).activation("softmax"));
        model.compile("adam", "categorical_crossentropy", a.length > 1 ? new String[0] : new String[] {"accuracy"});
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            model.fit(train, FitOptions.epochs(1).batchSize(64).verbose(false));
            double s = (System.nanoTime() - t) / 1e9;
            System.out.printf("epoch %d: %.2fs  %.0f samples/s%n", i, s, train.size() / s);
        }
    }
}
