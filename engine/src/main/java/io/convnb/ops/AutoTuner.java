package io.convnb.ops;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * Picks, per geometry and direction, whichever of ND4J's built-in conv and im2col + GEMM runs faster
 * here. Neither wins everywhere (oneDNN is several times faster on wide layers such as 56x56x64,
 * im2col + GEMM on few channels and on small images) and the crossover depends on the machine, so the
 * first calls of each kind run each implementation in turn ({@link #WARMUP} untimed, then {@link #TRIALS}
 * timed runs each) and later calls use the one with the smaller best time. Both give the same values
 * up to float rounding.
 */
final class AutoTuner {
    /** Untimed first runs of each implementation: they pay for JIT compilation and oneDNN primitive setup. */
    static final int WARMUP = 1;
    /** Timed runs of each implementation before deciding; the best of them counts (noise only ever adds time). */
    static final int TRIALS = 3;
    /** Calls of one kind before the choice is fixed. */
    static final int CALLS_TO_DECIDE = 2 * (WARMUP + TRIALS);

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
                if (++builtinRuns > WARMUP) {
                    builtinBest = Math.min(builtinBest, nanos);
                }
            } else {
                if (++gemmRuns > WARMUP) {
                    gemmBest = Math.min(gemmBest, nanos);
                }
            }
            if (builtinRuns >= WARMUP + TRIALS && gemmRuns >= WARMUP + TRIALS) {
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
