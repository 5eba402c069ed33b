package io.convnb.ext;

import io.convnb.data.Dataset;
import java.util.List;
import org.nd4j.linalg.factory.Nd4j;

/** A small two-class image set: a bright left or right half. */
final class LiveTrainingTest8x8 {
    private LiveTrainingTest8x8() {
    }

    static Dataset data(int n) {
        float[] x = new float[n * 64];
        float[] y = new float[n * 2];
        for (int i = 0; i < n; i++) {
            int c = i % 2;
            y[i * 2 + c] = 1;
            for (int p = 0; p < 64; p++) {
                x[i * 64 + p] = ((p % 8) < 4) == (c == 0) ? 0.9f : 0.1f;
            }
        }
        return Dataset.of("halves", Nd4j.create(x, new long[] {n, 8, 8, 1}, 'c'), Nd4j.create(y, new long[] {n, 2}, 'c'), List.of("left", "right"));
    }
}
