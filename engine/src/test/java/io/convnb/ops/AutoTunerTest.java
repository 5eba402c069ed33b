package io.convnb.ops;

import static io.convnb.ops.TestTensors.assertClose;
import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** AUTO races both implementations, settles on one, and stays correct throughout. */
class AutoTunerTest {
    @AfterEach
    void reset() {
        AutoTuner.reset();
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
    }

    @Test
    void trialAlternatesThenKeepsTheFasterImplementation() {
        AutoTuner.Trial t = new AutoTuner.Trial();
        for (int i = 0; i < AutoTuner.WARMUP + AutoTuner.TRIALS; i++) {
            assertEquals(true, t.nextIsBuiltin());
            // The built-in op's warm-up run is the fastest of all here; it must not count.
            t.record(true, i < AutoTuner.WARMUP ? 1 : 500);
            assertEquals(false, t.nextIsBuiltin());
            assertNull(t.builtinWins());
            t.record(false, 300 + i);
        }
        assertEquals(Boolean.FALSE, t.builtinWins());
        assertEquals(false, t.nextIsBuiltin());
        t.record(true, 1);   // late timings no longer change the decision
        assertEquals(Boolean.FALSE, t.builtinWins());
    }

    @Test
    void everyCallDuringAndAfterTheRaceMatchesTheNaiveLoops() {
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        Random rnd = new Random(21);
        NaiveOps.Geo geo = new NaiveOps.Geo(2, 2, 1, 1, 1, 2, 1, 2, 1);   // TensorFlow "same" for 9 -> 5 with 4x4
        Conv2DSpec s = Conv2DSpec.of(2, 2, 1, 2, 1, 2);
        NaiveOps.T x = random(rnd, 2, 9, 9, 3), k = random(rnd, 4, 4, 3, 5);
        NaiveOps.T y = NaiveOps.conv(x, k, null, geo);
        NaiveOps.T dy = random(rnd, y.shape());
        NaiveOps.T[] grads = NaiveOps.convBackward(x, k, dy, geo);
        INDArray xNd = nd(x, DataType.DOUBLE), kNd = nd(k, DataType.DOUBLE), dyNd = nd(dy, DataType.DOUBLE);
        for (int call = 0; call < AutoTuner.CALLS_TO_DECIDE + 2; call++) {
            assertClose("forward call " + call, y, Conv2DOps.forward(xNd, kNd, null, s), 1e-10);
            ConvGradients g = Conv2DOps.backward(xNd, kNd, dyNd, s, true, false);
            assertClose("dx call " + call, grads[0], g.input(), 1e-10);
            assertClose("dkernel call " + call, grads[1], g.kernel(), 1e-10);
            ConvGradients kOnly = Conv2DOps.backward(xNd, kNd, dyNd, s, false, false);
            assertNull(kOnly.input());
            assertClose("dkernel only call " + call, grads[1], kOnly.kernel(), 1e-10);
        }
        ConvGeometry g = new ConvGeometry(2, 9, 9, 3, 5, 5, 5, 4, 4, 2, 2, 1, 1, 1, 1, 1);
        for (AutoTuner.Kind kind : AutoTuner.Kind.values()) {
            assertNotNull(AutoTuner.trial(new AutoTuner.Key(g, DataType.DOUBLE, kind)).builtinWins(),
                    kind + " should be decided after the trials");
        }
    }
}
