package io.convnb.ops;

import static io.convnb.ops.TestTensors.assertClose;
import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The fused batch-normalization kernels against loops written from the definitions, in both types. */
class BatchNormOpsTest {

    /** Reference: {mean, var, y, dx, dgamma, dbeta} for x (M rows, C channels), double loops. */
    private static double[][] naive(double[] x, double[] dy, int c, double[] gamma, double[] beta, double eps) {
        int m = x.length / c;
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            for (int r = 0; r < m; r++) {
                mean[ch] += x[r * c + ch] / m;
            }
            for (int r = 0; r < m; r++) {
                var[ch] += (x[r * c + ch] - mean[ch]) * (x[r * c + ch] - mean[ch]) / m;
            }
        }
        double[] y = new double[x.length];
        double[] xhat = new double[x.length];
        double[] dgamma = new double[c];
        double[] dbeta = new double[c];
        for (int i = 0; i < x.length; i++) {
            int ch = i % c;
            xhat[i] = (x[i] - mean[ch]) / Math.sqrt(var[ch] + eps);
            y[i] = gamma[ch] * xhat[i] + beta[ch];
            dgamma[ch] += dy[i] * xhat[i];
            dbeta[ch] += dy[i];
        }
        // dx by the chain rule through mean and variance, term by term (not the closed form the kernel uses):
        // dxhat = dy*gamma; dvar = sum(dxhat*(x-mean)) * -1/2 (var+eps)^-3/2; dmean = sum(-dxhat/std) + dvar*sum(-2(x-mean))/m
        double[] dvar = new double[c];
        double[] dmean = new double[c];
        for (int i = 0; i < x.length; i++) {
            int ch = i % c;
            dvar[ch] += dy[i] * gamma[ch] * (x[i] - mean[ch]) * -0.5 * Math.pow(var[ch] + eps, -1.5);
        }
        for (int i = 0; i < x.length; i++) {
            int ch = i % c;
            dmean[ch] += -dy[i] * gamma[ch] / Math.sqrt(var[ch] + eps) + dvar[ch] * -2 * (x[i] - mean[ch]) / m;
        }
        double[] dx = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            int ch = i % c;
            dx[i] = dy[i] * gamma[ch] / Math.sqrt(var[ch] + eps) + dvar[ch] * 2 * (x[i] - mean[ch]) / m + dmean[ch] / m;
        }
        return new double[][] {mean, var, y, dx, dgamma, dbeta};
    }

    /** The three passes under test: the public entry points, or one of the FLOAT paths. */
    private interface Passes {
        BatchNormOps.Moments moments(INDArray x);

        INDArray normalize(INDArray x, double[] mean, double[] invStd, double[] gamma, double[] beta);

        INDArray backward(INDArray x, INDArray dy, double[] mean, double[] invStd, double[] gamma, double[] dGamma,
                          double[] dBeta, boolean batchStatistics);
    }

    private static final Passes PUBLIC = new Passes() {
        @Override
        public BatchNormOps.Moments moments(INDArray x) {
            return BatchNormOps.moments(x);
        }

        @Override
        public INDArray normalize(INDArray x, double[] mean, double[] invStd, double[] gamma, double[] beta) {
            return BatchNormOps.normalize(x, mean, invStd, gamma, beta);
        }

        @Override
        public INDArray backward(INDArray x, INDArray dy, double[] mean, double[] invStd, double[] gamma, double[] dGamma,
                                 double[] dBeta, boolean batchStatistics) {
            return BatchNormOps.backward(x, dy, mean, invStd, gamma, dGamma, dBeta, batchStatistics);
        }
    };

    /** {@link BatchNormFloat}'s heap-block loops ({@code vectors} false) or its {@link BatchNormVectors} path. */
    private static Passes floatPath(boolean vectors) {
        return new Passes() {
            @Override
            public BatchNormOps.Moments moments(INDArray x) {
                return BatchNormFloat.moments(x, channels(x), vectors);
            }

            @Override
            public INDArray normalize(INDArray x, double[] mean, double[] invStd, double[] gamma, double[] beta) {
                int c = channels(x);
                float[] scale = new float[c];
                float[] shift = new float[c];
                for (int ch = 0; ch < c; ch++) {
                    scale[ch] = (float) (gamma[ch] * invStd[ch]);
                    shift[ch] = (float) (beta[ch] - mean[ch] * gamma[ch] * invStd[ch]);
                }
                return BatchNormFloat.affine(x, c, scale, shift, vectors);
            }

            @Override
            public INDArray backward(INDArray x, INDArray dy, double[] mean, double[] invStd, double[] gamma,
                                     double[] dGamma, double[] dBeta, boolean batchStatistics) {
                return BatchNormFloat.backward(x, dy, channels(x), mean, invStd, gamma, dGamma, dBeta, batchStatistics,
                        vectors);
            }
        };
    }

    private static int channels(INDArray x) {
        return (int) x.size(x.rank() - 1);
    }

    /**
     * The oneDNN primitives ({@link OneDnnBatchNorm}) for normalization and the backward pass with batch
     * statistics; the statistics themselves, and the backward pass with fixed ones, from the heap loops.
     */
    private static final Passes ONEDNN = new Passes() {
        @Override
        public BatchNormOps.Moments moments(INDArray x) {
            return BatchNormFloat.moments(x, channels(x), false);
        }

        @Override
        public INDArray normalize(INDArray x, double[] mean, double[] invStd, double[] gamma, double[] beta) {
            return OneDnnBatchNorm.normalize(x, mean, invStd, gamma, beta);
        }

        @Override
        public INDArray backward(INDArray x, INDArray dy, double[] mean, double[] invStd, double[] gamma,
                                 double[] dGamma, double[] dBeta, boolean batchStatistics) {
            return batchStatistics ? OneDnnBatchNorm.backward(x, dy, mean, invStd, gamma, dGamma, dBeta)
                    : BatchNormFloat.backward(x, dy, channels(x), mean, invStd, gamma, dGamma, dBeta, false, false);
        }
    };

    private static void check(int[] shape, DataType type, double offset, double tol) {
        check(PUBLIC, shape, type, offset, tol);
    }

    private static void check(Passes passes, int[] shape, DataType type, double offset, double tol) {
        Random rnd = new Random(shape.length * 31L + shape[0]);
        NaiveOps.T x = random(rnd, shape);
        for (int i = 0; i < x.v().length; i++) {
            x.v()[i] = offset + x.v()[i];
        }
        NaiveOps.T dy = random(rnd, shape);
        int c = shape[shape.length - 1];
        double[] gamma = new double[c];
        double[] beta = new double[c];
        for (int ch = 0; ch < c; ch++) {
            gamma[ch] = 0.5 + rnd.nextDouble();
            beta[ch] = rnd.nextDouble() - 0.5;
        }
        double eps = 1e-3;
        double[][] ref = naive(x.v(), dy.v(), c, gamma, beta, eps);
        INDArray xNd = nd(x, type);
        String what = java.util.Arrays.toString(shape) + " " + type + " offset " + offset;
        BatchNormOps.Moments m = passes.moments(xNd);
        assertArrayEquals(ref[0], m.mean(), tol * Math.max(1, offset), what + " mean");
        assertArrayEquals(ref[1], m.variance(), tol, what + " variance");
        double[] invStd = BatchNormOps.invStd(m.variance(), eps);
        INDArray y = passes.normalize(xNd, m.mean(), invStd, gamma, beta);
        assertEquals(type, y.dataType());
        assertClose(what + " y", ref[2], y, tol);
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        INDArray dx = passes.backward(xNd, nd(dy, type), m.mean(), invStd, gamma, dGamma, dBeta, true);
        assertClose(what + " dx", ref[3], dx, tol);
        assertArrayEquals(ref[4], dGamma, tol * 10, what + " dgamma");
        assertArrayEquals(ref[5], dBeta, tol * 10, what + " dbeta");
        // fixed (moving) statistics: the affine map's gradient, dx = dy * gamma * invStd
        double[] fixedDx = new double[x.v().length];
        for (int i = 0; i < fixedDx.length; i++) {
            fixedDx[i] = dy.v()[i] * gamma[i % c] * invStd[i % c];
        }
        double[] dGammaFixed = new double[c];
        double[] dBetaFixed = new double[c];
        INDArray dxFixed = passes.backward(xNd, nd(dy, type), m.mean(), invStd, gamma, dGammaFixed, dBetaFixed, false);
        assertEquals(type, dxFixed.dataType());
        assertClose(what + " dx with fixed statistics", fixedDx, dxFixed.reshape(dxFixed.length()), tol);
        assertArrayEquals(ref[4], dGammaFixed, tol * 10, what + " dgamma with fixed statistics");
        assertArrayEquals(ref[5], dBetaFixed, tol * 10, what + " dbeta with fixed statistics");
    }

    @Test
    void matchesTheDefinitionInDoubleAndFloat() {
        check(new int[] {5, 3, 4, 7}, DataType.DOUBLE, 0, 1e-12);
        check(new int[] {5, 3, 4, 7}, DataType.FLOAT, 0, 2e-5);
        // Dense-layer shape (N, features), and fewer rows than cores have chunks.
        check(new int[] {3, 11}, DataType.DOUBLE, 0, 1e-12);
        check(new int[] {2, 4}, DataType.FLOAT, 0, 2e-5);
        // Many rows in several blocks per chunk (8,192 elements a block, float sums folded into double
        // every 32 blocks): 3,600 rows of 64.
        check(new int[] {9, 20, 20, 64}, DataType.FLOAT, 0, 2e-5);
        // Channel counts that do not divide the block (81 rows of 100, 2,730 rows of 3), a chunk tail
        // shorter than a block, and one channel row longer than a block.
        check(new int[] {7, 13, 17, 100}, DataType.FLOAT, 0, 2e-5);
        check(new int[] {5, 31, 29, 3}, DataType.FLOAT, 0, 2e-5);
        check(new int[] {6, 9000}, DataType.FLOAT, 0, 2e-5);
        // 65,536 rows of 64: at least FOLD_BLOCKS blocks of 128 rows per chunk on up to 4 cores.
        check(new int[] {16, 64, 64, 64}, DataType.FLOAT, 0, 2e-5);
    }

    /**
     * Both FLOAT paths on the same inputs, against the definition. The Vector API path takes C in
     * groups of four vectors and single vectors (C = 16, 48, 80 and 128 mix them for 4, 8 and 16
     * lanes), with row counts that end mid-way through a fold group of 32 rows and through an
     * even/odd row pair.
     */
    @Test
    void bothFloatPathsMatchTheDefinition() {
        assertTrue(VectorSupport.available(), "the Maven tests run with --add-modules=jdk.incubator.vector");
        int[][] shapes = {{7, 9, 11, 16}, {5, 7, 9, 48}, {3, 13, 13, 80}, {2, 15, 17, 128}, {3, 64}, {1, 1, 1, 32}};
        for (boolean vectors : new boolean[] {false, true}) {
            for (int[] shape : shapes) {
                assertEquals(true, BatchNormVectors.applies(shape[shape.length - 1]), java.util.Arrays.toString(shape));
                check(floatPath(vectors), shape, DataType.FLOAT, 0, 2e-5);
            }
            // Under a mean of 1000, y = x*scale + shift rounds x*scale (about 3,500) to 2.4e-4 in float; the
            // variance would be off by about 0.06 if the sums were not taken around a shift.
            check(floatPath(vectors), new int[] {8, 6, 6, 16}, DataType.FLOAT, 1000, 1e-3);
        }
    }

    /**
     * oneDNN's primitives, which take the FLOAT passes where the Vector API path does not run, on the
     * ranks and channel counts a network gives them (Dense (N, C), Conv1D (N, L, C), odd C, C a whole
     * number of vectors), and under a mean of 1000.
     */
    @Test
    void oneDnnPassesMatchTheDefinition() {
        assertTrue(OneDnnConv.available(), "oneDNN's presets load on linux-x86_64: " + OneDnnConv.describe());
        int[][] shapes = {{5, 3, 4, 7}, {3, 11}, {4, 50, 24}, {5, 31, 29, 3}, {7, 13, 17, 100}, {9, 20, 20, 64}};
        for (int[] shape : shapes) {
            check(ONEDNN, shape, DataType.FLOAT, 0, 2e-5);
        }
        check(ONEDNN, new int[] {8, 6, 6, 16}, DataType.FLOAT, 1000, 1e-3);
    }

    @Test
    void varianceKeepsItsDigitsUnderALargeMean() {
        // Values 1000 + u, u in [-0.5, 0.5): E[x^2] - E[x]^2 in float would lose the whole variance (~1/12).
        check(new int[] {8, 6, 6, 3}, DataType.FLOAT, 1000, 2e-4);
    }

    @Test
    void resultsDoNotDependOnTheRunOrder() {
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 10, 10, 8);
        BatchNormOps.Moments a = BatchNormOps.moments(x);
        for (int i = 0; i < 5; i++) {
            BatchNormOps.Moments b = BatchNormOps.moments(x);
            assertArrayEquals(a.mean(), b.mean(), 0.0);
            assertArrayEquals(a.variance(), b.variance(), 0.0);
        }
    }

    @Test
    void viewsAreReadAsTheirOwnElements() {
        // Every other image of a batch: a strided view must be normalized like its copy.
        INDArray batch = Nd4j.rand(DataType.FLOAT, 6, 3, 3, 2);
        INDArray view = batch.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2, 6));
        BatchNormOps.Moments mv = BatchNormOps.moments(view);
        BatchNormOps.Moments mc = BatchNormOps.moments(view.dup('c'));
        assertArrayEquals(mc.mean(), mv.mean(), 0.0);
        assertTrue(mv.variance()[0] > 0);
    }
}
