package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The Java kernels read and write native memory through NIO views that do not keep it alive (see
 * {@link KeepAlive}). Here they run, outside any workspace, on arrays that the test drops at once (and
 * on strided views, which the kernels copy to temporaries of their own) while another thread keeps
 * calling {@code System.gc()}; a kernel that let its array be freed mid-use crashes the JVM or reads
 * garbage. Each result must equal the one computed from arrays held throughout. This cannot prove the
 * absence of the bug, but it exercises the paths where a notebook crashed (the direct convolution's
 * backward pass in {@code DirectConvFloat.loadGradient}).
 */
class NativeViewLifetimeTest {
    private static final long[] X = {8, 10, 10, 3};
    private static final long[] K = {3, 3, 3, 8};
    private static final long[] Y = {8, 8, 8, 8};
    private static final long[] POOLED = {8, 5, 5, 3};
    private static final long RUN_NANOS = 2_500_000_000L;

    private final float[] x = values(1, X);
    private final float[] kernel = values(2, K);
    private final float[] dy = values(3, Y);
    private final float[] dyPooled = values(4, POOLED);

    private static float[] values(long seed, long... shape) {
        Random r = new Random(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextFloat() * 2 - 1;
        }
        return v;
    }

    /** A fresh array holding {@code v}; the caller passes it straight to a kernel and keeps no reference. */
    private static INDArray fresh(float[] v, long... shape) {
        return Nd4j.create(v.clone(), shape, 'c');
    }

    /** A fresh strided view holding {@code v}: every other image of a batch twice as large. */
    private static INDArray freshView(float[] v, long... shape) {
        long[] doubled = shape.clone();
        doubled[0] *= 2;
        INDArray big = Nd4j.create(DataType.FLOAT, doubled);
        INDArray view = big.get(NDArrayIndex.interval(0, 2, doubled[0]));
        view.assign(fresh(v, shape));
        return view;
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    /** Every kernel under test, its results flattened into one list in a fixed order. */
    private List<float[]> runAll(boolean views) {
        List<float[]> out = new ArrayList<>();
        ConvGeometry g = new ConvGeometry((int) X[0], (int) X[1], (int) X[2], (int) X[3], (int) Y[1], (int) Y[2],
                (int) K[3], 3, 3, 1, 1, 1, 1, 0, 0, 1);
        out.add(flat(DirectConvFloat.forward(views ? freshView(x, X) : fresh(x, X), fresh(kernel, K), null, g, false)));
        ConvGradients grads = DirectConvFloat.backward(views ? freshView(x, X) : fresh(x, X), fresh(kernel, K),
                views ? freshView(dy, Y) : fresh(dy, Y), null, g, true, true, true);
        out.add(flat(grads.input()));
        out.add(flat(grads.kernel()));
        out.add(flat(grads.bias()));
        ConvGradients masked = DirectConvFloat.backward(fresh(x, X), fresh(kernel, K), fresh(dy, Y),
                ElementwiseOps.relu(fresh(dy, Y)), g, true, true, false);
        out.add(flat(masked.input()));
        out.add(flat(masked.kernel()));
        out.add(flat(ElementwiseOps.relu(fresh(x, X))));
        out.add(flat(ElementwiseOps.reluBackward(fresh(x, X), fresh(x, X))));
        PoolResult pooled = Pool2DOps.maxForward(views ? freshView(x, X) : fresh(x, X), 2, 2, Conv2DSpec.of(2, 2, 0, 0, 0, 0));
        out.add(flat(pooled.output()));
        out.add(flat(Pool2DOps.maxBackward(pooled, views ? freshView(dyPooled, POOLED) : fresh(dyPooled, POOLED))));
        BatchNormOps.Moments m = BatchNormOps.moments(views ? freshView(x, X) : fresh(x, X));
        double[] invStd = BatchNormOps.invStd(m.variance(), 1e-3);
        double[] gamma = {1.5, -0.5, 0.75};
        double[] beta = {0.1, 0.2, -0.3};
        out.add(flat(BatchNormOps.normalize(views ? freshView(x, X) : fresh(x, X), m.mean(), invStd, gamma, beta)));
        double[] dGamma = new double[3];
        double[] dBeta = new double[3];
        out.add(flat(BatchNormOps.backward(views ? freshView(x, X) : fresh(x, X), views ? freshView(x, X) : fresh(x, X),
                m.mean(), invStd, gamma, dGamma, dBeta)));
        out.add(new float[] {(float) dGamma[0], (float) dGamma[1], (float) dGamma[2], (float) dBeta[0], (float) dBeta[1]});
        return out;
    }

    @Test
    void kernelsKeepTheirArraysAliveWhileTheGarbageCollectorRuns() throws InterruptedException {
        List<float[]> reference = runAll(false);
        Thread collector = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                System.gc();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gc-pressure");
        collector.setDaemon(true);
        collector.start();
        try {
            long end = System.nanoTime() + RUN_NANOS;
            for (int round = 0; round < 20 || System.nanoTime() < end; round++) {
                boolean views = round % 2 == 1;
                List<float[]> got = runAll(views);
                for (int i = 0; i < reference.size(); i++) {
                    assertArrayEquals(reference.get(i), got.get(i), 1e-6f,
                            "result " + i + " of round " + round + (views ? " (strided views)" : ""));
                }
            }
        } finally {
            collector.interrupt();
            collector.join();
        }
    }
}
