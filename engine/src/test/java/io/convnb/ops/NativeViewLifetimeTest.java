package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Arrays;
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
 * backward pass in {@code DirectConvFloat.loadGradient}); without the fences it failed in its first
 * large round ({@code BatchNormOps.backward} returned values of order 1e18 read from freed memory).
 */
class NativeViewLifetimeTest {
    /** Run time of the phase under GC pressure; the warm-up before it takes about a second more. */
    private static final long RUN_NANOS = 1_500_000_000L;

    /** Inputs of one size: x (n, h, w, 3), a 3x3 kernel to 8 filters, dy, and the 2x2 pool's dy. */
    private record Case(long[] xShape, long[] kShape, long[] yShape, long[] pooledShape, float[] x, float[] kernel,
                        float[] dy, float[] dyPooled, ConvGeometry g) {
        static Case of(int n, int size) {
            long[] xs = {n, size, size, 3};
            long[] ks = {3, 3, 3, 8};
            long[] ys = {n, size - 2, size - 2, 8};
            long[] ps = {n, size / 2, size / 2, 3};
            ConvGeometry g = new ConvGeometry(n, size, size, 3, size - 2, size - 2, 8, 3, 3, 1, 1, 1, 1, 0, 0, 1);
            return new Case(xs, ks, ys, ps, values(1, xs), values(2, ks), values(3, ys), values(4, ps), g);
        }
    }

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

    private static INDArray input(Case c, float[] v, long[] shape, boolean views) {
        return views ? freshView(v, shape) : fresh(v, shape);
    }

    private static float[] flat(INDArray a) {
        return a.dup('c').reshape(a.length()).toFloatVector();
    }

    /** Every kernel under test, its results flattened into one list in a fixed order. */
    private static List<float[]> runAll(Case c, boolean views) {
        List<float[]> out = new ArrayList<>();
        out.add(flat(DirectConvFloat.forward(input(c, c.x(), c.xShape(), views), fresh(c.kernel(), c.kShape()), null,
                c.g(), false)));
        ConvGradients grads = DirectConvFloat.backward(input(c, c.x(), c.xShape(), views), fresh(c.kernel(), c.kShape()),
                input(c, c.dy(), c.yShape(), views), null, c.g(), true, true, true);
        out.add(flat(grads.input()));
        out.add(flat(grads.kernel()));
        out.add(flat(grads.bias()));
        ConvGradients masked = DirectConvFloat.backward(fresh(c.x(), c.xShape()), fresh(c.kernel(), c.kShape()),
                fresh(c.dy(), c.yShape()), ElementwiseOps.relu(fresh(c.dy(), c.yShape())), c.g(), true, true, false);
        out.add(flat(masked.input()));
        out.add(flat(masked.kernel()));
        out.add(flat(ElementwiseOps.relu(fresh(c.x(), c.xShape()))));
        out.add(flat(ElementwiseOps.reluBackward(fresh(c.x(), c.xShape()), fresh(c.x(), c.xShape()))));
        PoolResult pooled = Pool2DOps.maxForward(input(c, c.x(), c.xShape(), views), 2, 2, Conv2DSpec.of(2, 2, 0, 0, 0, 0));
        out.add(flat(pooled.output()));
        out.add(flat(Pool2DOps.maxBackward(pooled, input(c, c.dyPooled(), c.pooledShape(), views))));
        BatchNormOps.Moments m = BatchNormOps.moments(input(c, c.x(), c.xShape(), views));
        double[] invStd = BatchNormOps.invStd(m.variance(), 1e-3);
        double[] gamma = {1.5, -0.5, 0.75};
        double[] beta = {0.1, 0.2, -0.3};
        out.add(flat(BatchNormOps.normalize(input(c, c.x(), c.xShape(), views), m.mean(), invStd, gamma, beta)));
        double[] dGamma = new double[3];
        double[] dBeta = new double[3];
        out.add(flat(BatchNormOps.backward(input(c, c.x(), c.xShape(), views), input(c, c.x(), c.xShape(), views),
                m.mean(), invStd, gamma, dGamma, dBeta)));
        out.add(new float[] {(float) dGamma[0], (float) dGamma[1], (float) dGamma[2], (float) dBeta[0], (float) dBeta[1]});
        return out;
    }

    /** Runs every kernel on fresh arrays until {@code rounds} are done and {@code nanos} have passed. */
    private static void repeat(Case c, int rounds, long nanos) {
        List<float[]> reference = runAll(c, false);
        long end = System.nanoTime() + nanos;
        for (int round = 0; round < rounds || System.nanoTime() < end; round++) {
            boolean views = round % 2 == 1;
            List<float[]> got = runAll(c, views);
            for (int i = 0; i < reference.size(); i++) {
                assertArrayEquals(reference.get(i), got.get(i), 1e-6f,
                        "result " + i + " of round " + round + (views ? " (strided views)" : "") + " for x " + Arrays.toString(c.xShape()));
            }
        }
    }

    @Test
    void kernelsKeepTheirArraysAliveWhileTheGarbageCollectorRuns() throws InterruptedException {
        // Small arrays first, many times, so that the JIT compiles the kernels' entry methods: only compiled
        // code treats a local as dead after its last use (the interpreter keeps it), which is where the bug lived.
        repeat(Case.of(2, 6), 500, 0);
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
            // arrays of 0.2-0.6 MB, large enough for the C allocator to map and unmap them on their own
            repeat(Case.of(16, 34), 5, RUN_NANOS);
        } finally {
            collector.interrupt();
            collector.join();
        }
    }
}
