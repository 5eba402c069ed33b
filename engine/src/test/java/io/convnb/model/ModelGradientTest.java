package io.convnb.model;

import io.convnb.layers.AveragePooling2D;
import io.convnb.layers.BatchNormalization;
import io.convnb.layers.Conv1D;
import io.convnb.layers.Conv2D;
import io.convnb.layers.Conv2DTranspose;
import io.convnb.layers.Dense;
import io.convnb.layers.Flatten;
import io.convnb.layers.GlobalAveragePooling2D;
import io.convnb.layers.GlobalMaxPooling2D;
import io.convnb.layers.MaxPooling2D;
import io.convnb.layers.Regularizers;
import io.convnb.layers.Reshape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gradient checks of whole small models: every layer type, loss and the fused output gradients. */
class ModelGradientTest {
    static INDArray random(long seed, long... shape) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1;
        for (long d : shape) {
            n *= (int) d;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble() * 2 - 1;
        }
        return Nd4j.create(v, shape, DataType.DOUBLE);
    }

    static INDArray oneHot(long seed, int n, int k) {
        SplittableRandom r = new SplittableRandom(seed);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, k);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, r.nextInt(k), 1.0);
        }
        return y;
    }

    @Test
    void convPoolDenseSoftmaxCrossEntropy() {
        Sequential m = new Sequential().seed(3)
                .add(new Conv2D(3, 3, 3).padding("same").activation("tanh").inputShape(6, 6, 2).dataType(DataType.DOUBLE))
                .add(new MaxPooling2D(2).dataType(DataType.DOUBLE))
                .add(new Flatten())
                .add(new Dense(4).activation("softmax").dataType(DataType.DOUBLE));
        m.compile("adam", "categorical_crossentropy", "accuracy");
        GradientCheck.check(m, random(1, 3, 6, 6, 2), oneHot(2, 3, 4), 40, 1e-5);
    }

    @Test
    void stridedDilatedGroupedConvWithL2AndSigmoidBinaryCrossEntropy() {
        Sequential m = new Sequential().seed(4)
                .add(new Conv2D(4, 2, 3).strides(2, 1).dilationRate(1, 2).groups(2).padding(1, 0, 2, 1).activation("elu")
                        .kernelRegularizer(Regularizers.l2(0.01)).inputShape(7, 8, 2).dataType(DataType.DOUBLE))
                .add(new AveragePooling2D(2).padding("same").dataType(DataType.DOUBLE))
                .add(new Flatten())
                .add(new Dense(3).activation("sigmoid").kernelRegularizer(Regularizers.l2(0.02)).dataType(DataType.DOUBLE));
        m.compile("sgd", "binary_crossentropy", "accuracy");
        INDArray y = Nd4j.create(new double[][] {{1, 0, 1}, {0, 0, 1}}).castTo(DataType.DOUBLE);
        GradientCheck.check(m, random(5, 2, 7, 8, 2), y, 40, 1e-5);
    }

    @Test
    void batchNormTransposeAndGlobalPoolingWithMse() {
        Sequential m = new Sequential().seed(5)
                .add(new Conv2D(3, 3, 3).activation("leaky_relu").inputShape(5, 5, 1).dataType(DataType.DOUBLE))
                .add(new BatchNormalization().dataType(DataType.DOUBLE))
                .add(new Conv2DTranspose(2, 3, 3).strides(2, 2).padding("same").activation("tanh").dataType(DataType.DOUBLE))
                .add(new GlobalAveragePooling2D().dataType(DataType.DOUBLE))
                .add(new Dense(2).dataType(DataType.DOUBLE));
        m.compile("rmsprop", "mse");
        // training-mode batch statistics are part of the function being checked
        GradientCheckTraining.check(m, random(6, 4, 5, 5, 1), random(7, 4, 2));
    }

    @Test
    void conv1dCausalAndGlobalMaxWithSparseLabels() {
        Sequential m = new Sequential().seed(6)
                .add(new Conv1D(3, 3).padding("causal").dilationRate(2).activation("tanh").inputShape(9, 2).dataType(DataType.DOUBLE))
                .add(new Reshape(9, 1, 3).dataType(DataType.DOUBLE))
                .add(new GlobalMaxPooling2D().dataType(DataType.DOUBLE))
                .add(new Dense(3).activation("softmax").dataType(DataType.DOUBLE));
        m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
        INDArray labels = Nd4j.create(new double[] {0, 2, 1}, new long[] {3}, DataType.DOUBLE);
        GradientCheck.check(m, random(8, 3, 9, 2), labels, 40, 1e-5);
    }
}
