package io.convnb.bench;

import java.util.Arrays;

/**
 * The benchmark suite's timing protocol, the same on the engine's and PyTorch's side
 * ({@code bench/layers_torch.py} implements it in Python): at least {@link #WARM_UP_NANOS} and 5 steps of
 * warm-up (Java code runs interpreted, then through two JIT compilers; oneDNN picks and caches its
 * kernels on the first calls), then {@link #BLOCKS} blocks of 2 untimed steps (to bring the data back
 * into cache) and {@code reps} timed ones. {@code reps} aims at about {@link #BLOCK_NANOS} per block,
 * between 3 and 9 steps. A step slower than {@link #SLOW_NANOS} (hundreds of times slower than the
 * reference) gets the short form, so one such layer cannot take the whole run: at least 2 warm-up
 * steps, one timed step per block and no untimed ones. Figures are medians over all timed steps.
 */
final class Timing {
    static final long WARM_UP_NANOS = 2_000_000_000L;
    static final long BLOCK_NANOS = 400_000_000L;
    static final int BLOCKS = 3;
    static final long SLOW_NANOS = 1_000_000_000L;

    private Timing() {
    }

    /** One step; returns the nanoseconds of its forward and backward halves. */
    interface Step {
        long[] run();
    }

    record Result(double fwdMs, double bwdMs, double stepMs, int steps) {
    }

    static Result measure(Step step) {
        long start = System.nanoTime();
        long last = 0;
        for (int i = 0; i < (last > SLOW_NANOS ? 2 : 5) || System.nanoTime() - start < WARM_UP_NANOS; i++) {
            long[] t = step.run();
            last = t[0] + t[1];
        }
        boolean slow = last > SLOW_NANOS;
        int reps = slow ? 1 : (int) Math.max(3, Math.min(9, Math.round((double) BLOCK_NANOS / Math.max(1, last))));
        double[] f = new double[BLOCKS * reps];
        double[] b = new double[BLOCKS * reps];
        double[] s = new double[BLOCKS * reps];
        for (int block = 0; block < BLOCKS; block++) {
            for (int i = 0; i < (slow ? 0 : 2); i++) {
                step.run();
            }
            for (int i = block * reps; i < (block + 1) * reps; i++) {
                long[] t = step.run();
                f[i] = t[0] / 1e6;
                b[i] = t[1] / 1e6;
                s[i] = (t[0] + t[1]) / 1e6;
            }
        }
        return new Result(median(f), median(b), median(s), f.length);
    }

    static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }

    static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
