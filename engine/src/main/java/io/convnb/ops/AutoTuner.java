package io.convnb.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Picks, per geometry and direction, whichever of ND4J's built-in conv and im2col + GEMM runs faster
 * here. Neither wins everywhere (oneDNN is several times faster on wide layers such as 56x56x64,
 * im2col + GEMM on few channels and on small images) and the crossover depends on the machine, so the
 * first {@link #TRIALS} calls of each kind run each implementation in turn and later calls use the one
 * with the smaller best time. Both give the same values up to float rounding.
 */
final class AutoTuner {
    /** Timed runs of each implementation before deciding; the best of them counts (the first pays for JIT and setup). */
    static final int TRIALS = 3;

    /** The three calls that are raced separately. */
    enum Kind { FORWARD, BACKWARD, KERNEL_GRADIENT }

    /** What is being timed: one geometry in one data type, one kind of call. */
    record Key(ConvGeometry geometry, DataType type, Kind kind) {
    }

    private static final Map<Key, Trial> TRIALS_BY_KEY = new ConcurrentHashMap<>();

    private AutoTuner() {
    }

    /** The running race for one key. */
    static final class Trial {
        private int builtinRuns;
        private int gemmRuns;
        private long builtinBest = Long.MAX_VALUE;
        private long gemmBest = Long.MAX_VALUE;
        private volatile Boolean builtinWins;

        /** Whether the next call should run the built-in op. */
        synchronized boolean nextIsBuiltin() {
            Boolean decided = builtinWins;
            return decided != null ? decided : builtinRuns <= gemmRuns;
        }

        synchronized void record(boolean builtin, long nanos) {
            if (builtinWins != null) {
                return;
            }
            if (builtin) {
                builtinRuns++;
                builtinBest = Math.min(builtinBest, nanos);
            } else {
                gemmRuns++;
                gemmBest = Math.min(gemmBest, nanos);
            }
            if (builtinRuns >= TRIALS && gemmRuns >= TRIALS) {
                builtinWins = builtinBest < gemmBest;
            }
        }

        /** The decision, or {@code null} while trials are still running. */
        Boolean builtinWins() {
            return builtinWins;
        }
    }

    static Trial trial(Key key) {
        return TRIALS_BY_KEY.computeIfAbsent(key, k -> new Trial());
    }

    /** Forgets every decision (tests, or after the machine's load changed a lot). */
    static void reset() {
        TRIALS_BY_KEY.clear();
    }
}
