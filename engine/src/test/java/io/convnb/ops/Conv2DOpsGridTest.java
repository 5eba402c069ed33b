package io.convnb.ops;

import static io.convnb.ops.TestTensors.assertClose;
import static io.convnb.ops.TestTensors.nd;
import static io.convnb.ops.TestTensors.random;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Parameter-grid sweep of Conv2DOps forward and backward against the nested-loop reference. */
class Conv2DOpsGridTest {
    private static final int[][] SIZES = {{5, 5}, {6, 4}, {1, 3}, {7, 2}};
    private static final int[][] KERNELS = {{1, 1}, {3, 3}, {2, 3}, {3, 1}};
    private static final int[][] STRIDES = {{1, 1}, {2, 1}, {1, 3}, {2, 2}};
    /** top, bottom, left, right: none, symmetric, and asymmetric explicit pads. */
    private static final int[][] PADS = {{0, 0, 0, 0}, {1, 1, 1, 1}, {0, 1, 2, 0}, {2, 0, 1, 1}};
    private static final int[][] DILATIONS = {{1, 1}, {2, 1}, {1, 2}};
    /** channels, groups, filters: plain, grouped, depthwise (x2 multiplier), wide rows (bulk copies), RGB. */
    private static final int[][] CHANNELS = {{2, 1, 3}, {4, 2, 4}, {3, 3, 6}, {8, 1, 2}, {3, 1, 5}};
    /**
     * channels, groups, filters for DepthwiseConvFloat: depthwise with multipliers 1, 2 and 3, channel
     * counts that are not whole vectors (17: one full vector and one lane), grouped with 2, 4 and 8
     * channels per group (the largest it takes) and with several filters per group.
     */
    private static final int[][] GROUPED_CHANNELS = {{3, 3, 3}, {2, 2, 4}, {5, 5, 15}, {17, 17, 17}, {4, 2, 4},
        {6, 3, 6}, {8, 2, 6}, {16, 2, 4}};

    private final long savedChunk = ConvGemm.chunkElements;
    private final int savedParallel = ConvGemm.parallelMinElements;

    @AfterEach
    void restoreChunkAndImplementation() {
        ConvGemm.chunkElements = savedChunk;
        ConvGemm.parallelMinElements = savedParallel;
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
    }

    @Test
    void im2colGemmMatchesNaiveLoopsOverTheGrid() {
        Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM);
        assertTrue(sweep(Mode.ALL) > 1000);
    }

    @Test
    void directVectorConvMatchesNaiveLoopsOverTheGrid() {
        assertTrue(VectorSupport.available(), "the tests run with --add-modules=jdk.incubator.vector (pom.xml argLine)");
        Conv2DOps.useImplementation(ConvImplementation.DIRECT);
        assertTrue(sweep(Mode.DIRECT) > 500);
    }

    @Test
    void directVectorConvHandlesWideFilterCountsBatchSplitsAndViews() {
        Conv2DOps.useImplementation(ConvImplementation.DIRECT);
        Random rnd = new Random(31);
        // 40 filters: two full vectors of 16 plus a padded one; 5 images split 2/3 across the cores;
        // rows wider than the four-column blocks, with an overlapping last block (13 = 4+4+4+1).
        checkCase(rnd, 5, new int[] {9, 15}, new int[] {3, 3}, new int[] {1, 1, 40},
                new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), DataType.FLOAT, false);
        checkCase(rnd, 3, new int[] {11, 10}, new int[] {5, 5}, new int[] {3, 1, 32},
                new NaiveOps.Geo(2, 2, 1, 1, 2, 2, 2, 2, 1), DataType.FLOAT, true);
        checkCase(rnd, 4, new int[] {12, 12}, new int[] {3, 3}, new int[] {2, 1, 7},
                new NaiveOps.Geo(1, 2, 2, 1, 0, 3, 1, 0, 1), DataType.FLOAT, false);
        checkCase(rnd, 1, new int[] {6, 30}, new int[] {1, 4}, new int[] {4, 1, 64},
                new NaiveOps.Geo(1, 1, 1, 3, 0, 0, 4, 5, 1), DataType.FLOAT, false);
    }

    @Test
    void autoMatchesNaiveLoopsOnThinStridedLayersWhereDxIsGatheredDirectly() {
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        Random rnd = new Random(37);
        checkCase(rnd, 3, new int[] {15, 14}, new int[] {7, 7}, new int[] {3, 1, 20},
                new NaiveOps.Geo(2, 2, 1, 1, 2, 3, 3, 2, 1), DataType.FLOAT, false);
        checkCase(rnd, 2, new int[] {9, 11}, new int[] {3, 2}, new int[] {1, 1, 16},
                new NaiveOps.Geo(3, 2, 2, 1, 1, 0, 0, 1, 1), DataType.FLOAT, true);
    }

    @Test
    void autoUsesTheDirectConvForThinFloatLayersOnly() {
        ConvGeometry thin = new ConvGeometry(64, 28, 28, 1, 26, 26, 32, 3, 3, 1, 1, 1, 1, 0, 0, 1);
        ConvGeometry wide = new ConvGeometry(64, 13, 13, 32, 11, 11, 64, 3, 3, 1, 1, 1, 1, 0, 0, 1);
        ConvGeometry grouped = new ConvGeometry(8, 10, 10, 4, 8, 8, 8, 3, 3, 1, 1, 1, 1, 0, 0, 2);
        ConvGeometry strided = new ConvGeometry(16, 224, 224, 3, 112, 112, 64, 7, 7, 2, 2, 1, 1, 2, 2, 1);
        assertTrue(Conv2DOps.direct(thin, DataType.FLOAT));
        assertFalse(Conv2DOps.direct(thin, DataType.DOUBLE));
        assertFalse(Conv2DOps.direct(wide, DataType.FLOAT));
        assertFalse(Conv2DOps.direct(grouped, DataType.FLOAT));
        assertFalse(Conv2DOps.direct(strided, DataType.FLOAT));
        assertTrue(Conv2DOps.directInputGradient(strided, DataType.FLOAT));
        assertFalse(Conv2DOps.directInputGradient(thin, DataType.FLOAT));
        assertFalse(Conv2DOps.directInputGradient(wide, DataType.FLOAT));
        Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM);
        assertFalse(Conv2DOps.direct(thin, DataType.FLOAT));
    }

    @Test
    void depthwiseAndGroupedFloatConvMatchesNaiveLoopsOverTheGrid() {
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        assertTrue(sweep(Mode.GROUPED) > 1500);
    }

    @Test
    void autoMatchesNaiveLoopsOverTheGrid() {
        // 1x1 kernels here take the GEMM path (stride 1 without padding: the input is the patch matrix).
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        assertTrue(sweep(Mode.ALL) > 1000);
    }

    /** The wide-layer sweep with oneDNN's primitives, and again with the rules that stand where they do not load. */
    @Test
    void autoMatchesNaiveLoopsOnWideLayersOnEveryBackwardPath() {
        assertTrue(OneDnnConv.available(), OneDnnConv.describe());
        withOneDnn(true, this::wideLayerSweep);
        withOneDnn(false, this::wideLayerSweep);
    }

    /** Runs {@code body} with AUTO's oneDNN path on or off (it is off where a CPU quota is below the affinity mask). */
    private static void withOneDnn(boolean on, Runnable body) {
        boolean before = OneDnnConv.enabled;
        OneDnnConv.enabled = on;
        try {
            body.run();
        } finally {
            OneDnnConv.enabled = before;
        }
    }

    private void wideLayerSweep() {
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        Random rnd = new Random(53);
        int[] wide = {16, 1, 17};
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            // symmetric pads at stride 1: FLOAT runs conv2d_bp up to 64 filters, deconvolution dx + GEMM dW above
            checkCase(rnd, 2, new int[] {7, 6}, new int[] {3, 3}, wide, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), type, false);
            checkCase(rnd, 2, new int[] {6, 5}, new int[] {3, 3}, new int[] {16, 1, 66}, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), type, true);
            // TensorFlow "same" for an even kernel (pads 0/1) at stride 1: conv2d_bp in its "same" mode
            checkCase(rnd, 2, new int[] {6, 7}, new int[] {2, 2}, wide, new NaiveOps.Geo(1, 1, 1, 1, 0, 1, 0, 1, 1), type, false);
            // dilated with more than 64 filters: sub-image deconvolution dx + GEMM dW instead of conv2d_bp on the sub-images
            checkCase(rnd, 2, new int[] {9, 8}, new int[] {3, 3}, new int[] {16, 1, 66}, new NaiveOps.Geo(1, 1, 2, 2, 2, 2, 2, 2, 1), type, false);
            // symmetric pads at stride 2: dx from libnd4j's deconvolution
            checkCase(rnd, 2, new int[] {7, 9}, new int[] {3, 3}, wide, new NaiveOps.Geo(2, 2, 1, 1, 1, 1, 1, 1, 1), type, true);
            checkCase(rnd, 2, new int[] {6, 6}, new int[] {2, 3}, wide, new NaiveOps.Geo(2, 1, 1, 1, 0, 0, 1, 1, 1), type, false);
            // TensorFlow "same" at stride 2 (pads 0/1), a stride that drops a remainder, dilation with stride: im2col + GEMM
            checkCase(rnd, 2, new int[] {8, 8}, new int[] {3, 3}, wide, new NaiveOps.Geo(2, 2, 1, 1, 0, 1, 0, 1, 1), type, false);
            checkCase(rnd, 2, new int[] {8, 7}, new int[] {3, 3}, wide, new NaiveOps.Geo(2, 2, 1, 1, 1, 1, 1, 1, 1), type, false);
            checkCase(rnd, 2, new int[] {9, 9}, new int[] {3, 3}, wide, new NaiveOps.Geo(2, 1, 2, 3, 2, 2, 3, 3, 1), type, true);
            // 1x1: stride 1 (GEMMs on the input itself), strided (a subsample), padded
            checkCase(rnd, 3, new int[] {5, 4}, new int[] {1, 1}, wide, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 0, 0, 1), type, true);
            checkCase(rnd, 3, new int[] {5, 4}, new int[] {1, 1}, wide, new NaiveOps.Geo(2, 2, 1, 1, 0, 0, 0, 0, 1), type, false);
            checkCase(rnd, 2, new int[] {4, 4}, new int[] {1, 1}, wide, new NaiveOps.Geo(1, 2, 1, 1, 1, 0, 0, 1, 1), type, false);
            // dilated at stride 1 (sub-images in FLOAT): symmetric, asymmetric, one axis only, sizes not divisible
            checkCase(rnd, 2, new int[] {9, 8}, new int[] {3, 3}, wide, new NaiveOps.Geo(1, 1, 2, 2, 2, 2, 2, 2, 1), type, false);
            checkCase(rnd, 2, new int[] {7, 10}, new int[] {3, 2}, wide, new NaiveOps.Geo(1, 1, 3, 2, 0, 4, 1, 0, 1), type, true);
            checkCase(rnd, 3, new int[] {6, 7}, new int[] {2, 3}, wide, new NaiveOps.Geo(1, 1, 1, 3, 1, 0, 3, 3, 1), type, false);
            checkCase(rnd, 2, new int[] {5, 5}, new int[] {3, 3}, new int[] {3, 1, 4}, new NaiveOps.Geo(1, 1, 2, 2, 1, 1, 2, 2, 1), type, false);
            // a Conv1D as a 2-D conv of height 1: "same" (2, 2) and causal (4, 0) pads
            checkCase(rnd, 2, new int[] {1, 12}, new int[] {1, 5}, wide, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 2, 2, 1), type, false);
            checkCase(rnd, 2, new int[] {1, 12}, new int[] {1, 5}, wide, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 4, 0, 1), type, false);
            checkCase(rnd, 2, new int[] {1, 12}, new int[] {1, 3}, wide, new NaiveOps.Geo(1, 1, 1, 2, 0, 0, 4, 0, 1), type, false);
            // a Conv1D with more than 64 filters (deconvolution dx + GEMM dW), and a (5, 1) kernel (conv2d_bp in FLOAT)
            checkCase(rnd, 2, new int[] {1, 12}, new int[] {1, 5}, new int[] {16, 1, 66}, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 2, 2, 1), type, false);
            checkCase(rnd, 2, new int[] {11, 3}, new int[] {5, 1}, wide, new NaiveOps.Geo(1, 1, 1, 1, 2, 2, 0, 0, 1), type, true);
        }
        // 32 to 64 input channels: with oneDNN's path, the kernel gradient reads x and dy reordered into
        // its blocked layouts (OneDnnConv.BLOCKED_GRADIENT_CHANNELS); 40 channels fill two and a half blocks
        for (int[] ch : new int[][] {{32, 1, 17}, {40, 1, 24}, {64, 1, 16}}) {
            checkCase(rnd, 2, new int[] {6, 7}, new int[] {3, 3}, ch, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), DataType.FLOAT, false);
            checkCase(rnd, 2, new int[] {8, 7}, new int[] {3, 3}, ch, new NaiveOps.Geo(2, 2, 1, 1, 0, 1, 0, 1, 1), DataType.FLOAT, true);
            checkCase(rnd, 2, new int[] {9, 8}, new int[] {3, 3}, ch, new NaiveOps.Geo(1, 1, 2, 2, 2, 2, 2, 2, 1), DataType.FLOAT, false);
            checkCase(rnd, 2, new int[] {1, 12}, new int[] {1, 5}, ch, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 4, 0, 1), DataType.FLOAT, false);
        }
    }

    @Test
    void oneDnnTakesLayersWithOneGroupAndMoreThanFourChannels() {
        assertTrue(OneDnnConv.available(), OneDnnConv.describe());
        withOneDnn(true, this::oneDnnRules);
    }

    private void oneDnnRules() {
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        DataType f32 = DataType.FLOAT;
        Conv2DSpec same = Conv2DSpec.of(1, 1, 1, 1, 1, 1);
        ConvGeometry wide = new ConvGeometry(16, 28, 28, 128, 28, 28, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        ConvGeometry dilated = new ConvGeometry(16, 64, 64, 32, 64, 64, 32, 3, 3, 1, 1, 2, 2, 2, 2, 1);
        Conv2DSpec dil = new Conv2DSpec(1, 1, 2, 2, 2, 2, 2, 2, 1);
        ConvGeometry conv1d = new ConvGeometry(64, 1, 1000, 64, 1, 1000, 64, 1, 5, 1, 1, 1, 1, 0, 2, 1);
        Conv2DSpec c1same = Conv2DSpec.of(1, 1, 0, 0, 2, 2);
        ConvGeometry thin8 = new ConvGeometry(64, 28, 28, 8, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        for (boolean needInput : new boolean[] {true, false}) {
            assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.backwardPath(wide, same, f32, needInput));
            assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.backwardPath(dilated, dil, f32, needInput));
            assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.backwardPath(conv1d, c1same, f32, needInput));
            assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.backwardPath(thin8, same, f32, needInput));
        }
        assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.forwardPath(wide, same, f32));
        assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.forwardPath(dilated, dil, f32));
        assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.forwardPath(conv1d, c1same, f32));
        // strided too, with TensorFlow-"same" pads (0, 1)
        ConvGeometry s2 = new ConvGeometry(32, 56, 56, 64, 28, 28, 128, 3, 3, 2, 2, 1, 1, 0, 0, 1);
        Conv2DSpec s2same = Conv2DSpec.of(2, 2, 0, 1, 0, 1);
        assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.forwardPath(s2, s2same, f32));
        assertEquals(Conv2DOps.Path.ONEDNN, Conv2DOps.backwardPath(s2, s2same, f32, true));
        // not: DOUBLE, thin, 1x1, grouped
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.forwardPath(wide, same, DataType.DOUBLE));
        ConvGeometry tutorial = new ConvGeometry(64, 28, 28, 1, 26, 26, 32, 3, 3, 1, 1, 1, 1, 0, 0, 1);
        assertEquals(Conv2DOps.Path.DIRECT, Conv2DOps.forwardPath(tutorial, Conv2DSpec.unit(), f32));
        ConvGeometry pointwise = new ConvGeometry(32, 56, 56, 64, 56, 56, 128, 1, 1, 1, 1, 1, 1, 0, 0, 1);
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.forwardPath(pointwise, Conv2DSpec.unit(), f32));
        assertFalse(Conv2DOps.oneDnn(new ConvGeometry(4, 9, 9, 16, 9, 9, 16, 3, 3, 1, 1, 1, 1, 1, 1, 2), f32));
    }

    /** The rules where oneDNN's presets do not load (or with {@code convnb.onednn.disable=true}). */
    @Test
    void autoChoosesItsArithmeticByAFixedRulePerGeometry() {
        withOneDnn(false, this::rulesWithoutOneDnn);
    }

    private void rulesWithoutOneDnn() {
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        DataType f32 = DataType.FLOAT;
        // the tutorial layer (64,28,28,1) x32 3x3 valid: direct both ways
        ConvGeometry tutorial = new ConvGeometry(64, 28, 28, 1, 26, 26, 32, 3, 3, 1, 1, 1, 1, 0, 0, 1);
        Conv2DSpec valid = Conv2DSpec.unit();
        assertEquals(Conv2DOps.Path.DIRECT, Conv2DOps.forwardPath(tutorial, valid, f32));
        assertEquals(Conv2DOps.Path.DIRECT, Conv2DOps.backwardPath(tutorial, valid, f32, true));
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.forwardPath(tutorial, valid, DataType.DOUBLE));
        // (16,28,28,128) x128 3x3 same: oneDNN forward, deconvolution dx + GEMM dW
        ConvGeometry wide = new ConvGeometry(16, 28, 28, 128, 28, 28, 128, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        Conv2DSpec same = Conv2DSpec.of(1, 1, 1, 1, 1, 1);
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.forwardPath(wide, same, f32));
        assertEquals(Conv2DOps.Path.BUILTIN_INPUT_GRADIENT, Conv2DOps.backwardPath(wide, same, f32, true));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.backwardPath(wide, same, f32, false));
        // up to 64 filters at stride 1, FLOAT and dx needed: the whole backward pass is conv2d_bp
        ConvGeometry mid = new ConvGeometry(64, 14, 14, 32, 14, 14, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.backwardPath(mid, same, f32, true));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.backwardPath(mid, same, f32, false));
        assertEquals(Conv2DOps.Path.BUILTIN_INPUT_GRADIENT, Conv2DOps.backwardPath(mid, same, DataType.DOUBLE, true));
        ConvGeometry mid65 = new ConvGeometry(64, 14, 14, 32, 14, 14, 65, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(Conv2DOps.Path.BUILTIN_INPUT_GRADIENT, Conv2DOps.backwardPath(mid65, same, f32, true));
        // 8 input channels, more than the direct path takes: conv2d_bp too
        ConvGeometry thin8 = new ConvGeometry(64, 28, 28, 8, 28, 28, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.backwardPath(thin8, same, f32, true));
        // thin layers (direct here; im2col + GEMM on a JVM without the Vector API) never do
        ConvGeometry rgb = new ConvGeometry(64, 32, 32, 3, 32, 32, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertFalse(Conv2DOps.builtinWholeBackward(rgb, f32, true));
        // (32,56,56,64) x128 3x3 stride 2 same: pads (0, 1), which deconvolution cannot express
        ConvGeometry s2 = new ConvGeometry(32, 56, 56, 64, 28, 28, 128, 3, 3, 2, 2, 1, 1, 0, 0, 1);
        Conv2DSpec s2same = Conv2DSpec.of(2, 2, 0, 1, 0, 1);
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.forwardPath(s2, s2same, f32));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.backwardPath(s2, s2same, f32, true));
        // 1x1 layers never go to oneDNN: GEMMs over (N*H*W, C), strided ones on a subsample
        ConvGeometry pointwise = new ConvGeometry(32, 56, 56, 64, 56, 56, 128, 1, 1, 1, 1, 1, 1, 0, 0, 1);
        assertTrue(ConvGemm.inputIsPatchMatrix(pointwise));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.forwardPath(pointwise, valid, f32));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.backwardPath(pointwise, valid, f32, true));
        ConvGeometry pointwise2 = new ConvGeometry(32, 56, 56, 64, 28, 28, 128, 1, 1, 2, 2, 1, 1, 0, 0, 1);
        assertFalse(ConvGemm.inputIsPatchMatrix(pointwise2));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.forwardPath(pointwise2, Conv2DSpec.of(2, 2, 0, 0, 0, 0), f32));
        // dilation 2 same: libnd4j's oneDNN rejects dilated descriptors, so the undilated op on sub-images
        // (FLOAT; DOUBLE and strided dilated layers go through im2col + GEMM)
        ConvGeometry dilated = new ConvGeometry(16, 64, 64, 32, 64, 64, 32, 3, 3, 1, 1, 2, 2, 2, 2, 1);
        Conv2DSpec dil = new Conv2DSpec(1, 1, 2, 2, 2, 2, 2, 2, 1);
        assertEquals(Conv2DOps.Path.DILATED_AS_BATCH, Conv2DOps.forwardPath(dilated, dil, f32));
        assertEquals(Conv2DOps.Path.DILATED_AS_BATCH, Conv2DOps.backwardPath(dilated, dil, f32, true));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.backwardPath(dilated, dil, DataType.DOUBLE, true));
        assertTrue(Conv2DOps.builtinWholeBackward(dilated, f32, true));
        ConvGeometry dilatedThin = new ConvGeometry(16, 64, 64, 8, 64, 64, 8, 3, 3, 1, 1, 2, 2, 2, 2, 1);
        assertEquals(Conv2DOps.Path.DILATED_AS_BATCH, Conv2DOps.backwardPath(dilatedThin, dil, f32, true));
        ConvGeometry dilated2 = new ConvGeometry(16, 64, 64, 32, 32, 32, 32, 3, 3, 2, 2, 2, 2, 2, 2, 1);
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.forwardPath(dilated2, new Conv2DSpec(2, 2, 2, 2, 2, 1, 2, 1, 1), f32));
        // Conv1D (64,1000,64) x64 kernel 5 same as height 1: oneDNN forward and conv2d_bp; deconvolution dx
        // from 65 filters, im2col + GEMM without dx
        ConvGeometry conv1d = new ConvGeometry(64, 1, 1000, 64, 1, 1000, 64, 1, 5, 1, 1, 1, 1, 0, 2, 1);
        Conv2DSpec c1same = Conv2DSpec.of(1, 1, 0, 0, 2, 2);
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.forwardPath(conv1d, c1same, f32));
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.backwardPath(conv1d, c1same, f32, true));
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.backwardPath(conv1d, c1same, f32, false));
        ConvGeometry conv1d128 = new ConvGeometry(16, 1, 4000, 128, 1, 4000, 128, 1, 3, 1, 1, 1, 1, 0, 1, 1);
        assertEquals(Conv2DOps.Path.BUILTIN_INPUT_GRADIENT, Conv2DOps.backwardPath(conv1d128, Conv2DSpec.of(1, 1, 0, 0, 1, 1), f32, true));
        // causal pads (4, 0) are asymmetric: im2col + GEMM backward
        ConvGeometry causal = new ConvGeometry(64, 1, 1000, 64, 1, 1000, 64, 1, 5, 1, 1, 1, 1, 0, 4, 1);
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.backwardPath(causal, Conv2DSpec.of(1, 1, 0, 0, 4, 0), f32, true));
        // forcing an implementation overrides the rule
        Conv2DOps.useImplementation(ConvImplementation.ND4J_BUILTIN);
        assertEquals(Conv2DOps.Path.BUILTIN, Conv2DOps.backwardPath(wide, same, f32, true));
        Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM);
        assertEquals(Conv2DOps.Path.IM2COL_GEMM, Conv2DOps.forwardPath(wide, same, f32));
    }

    @Test
    void fusedReluMatchesRectifiedNaiveLoopsOnEveryPath() {
        Random rnd = new Random(61);
        for (ConvImplementation impl : new ConvImplementation[] {ConvImplementation.AUTO, ConvImplementation.IM2COL_GEMM,
            ConvImplementation.ND4J_BUILTIN, ConvImplementation.DIRECT}) {
            Conv2DOps.useImplementation(impl);
            for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
                // thin (direct in FLOAT), RGB same, thin strided, wide (deconvolution dx), 1x1, dilated with stride and without
                checkReluCase(rnd, 3, new int[] {8, 7}, new int[] {3, 3}, new int[] {1, 1, 20}, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 0, 0, 1), type);
                checkReluCase(rnd, 2, new int[] {6, 6}, new int[] {3, 3}, new int[] {3, 1, 8}, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), type);
                checkReluCase(rnd, 2, new int[] {9, 8}, new int[] {3, 3}, new int[] {2, 1, 5}, new NaiveOps.Geo(2, 2, 1, 1, 1, 1, 1, 1, 1), type);
                checkReluCase(rnd, 2, new int[] {5, 6}, new int[] {3, 3}, new int[] {16, 1, 16}, new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), type);
                checkReluCase(rnd, 2, new int[] {5, 6}, new int[] {1, 1}, new int[] {16, 1, 18}, new NaiveOps.Geo(1, 1, 1, 1, 0, 0, 0, 0, 1), type);
                checkReluCase(rnd, 2, new int[] {9, 9}, new int[] {3, 3}, new int[] {4, 1, 6}, new NaiveOps.Geo(2, 2, 2, 2, 2, 2, 2, 2, 1), type);
                checkReluCase(rnd, 2, new int[] {8, 9}, new int[] {3, 3}, new int[] {16, 1, 16}, new NaiveOps.Geo(1, 1, 2, 2, 2, 2, 2, 2, 1), type);
            }
        }
    }

    /** forward(relu = true) against max(0, naive conv), and reluBackward against the naive backward of dy*(y > 0). */
    private static void checkReluCase(Random rnd, int n, int[] size, int[] k, int[] ch, NaiveOps.Geo geo, DataType type) {
        int c = ch[0], f = ch[2];
        NaiveOps.T x = random(rnd, n, size[0], size[1], c);
        NaiveOps.T kernel = random(rnd, k[0], k[1], c, f);
        double[] bias = random(rnd, f).v();
        Conv2DSpec spec = new Conv2DSpec(geo.sh(), geo.sw(), geo.dh(), geo.dw(), geo.pt(), geo.pb(), geo.pl(), geo.pr(), 1);
        String what = "relu " + Conv2DOps.implementation() + " x " + java.util.Arrays.toString(x.shape()) + " kernel "
                + java.util.Arrays.toString(kernel.shape()) + " " + spec + " " + type;
        double tol = type == DataType.DOUBLE ? 1e-10 : 2e-5;
        NaiveOps.T z = NaiveOps.conv(x, kernel, bias, geo);
        NaiveOps.T y = new NaiveOps.T(z.shape(), z.v().clone());
        for (int i = 0; i < y.v().length; i++) {
            y.v()[i] = Math.max(0, y.v()[i]);
        }
        INDArray xNd = nd(x, type), kNd = nd(kernel, type);
        INDArray got = Conv2DOps.forward(xNd, kNd, nd(bias, type), spec, true);
        assertClose(what + " forward", y, got, tol);
        NaiveOps.T dy = random(rnd, y.shape());
        NaiveOps.T dz = new NaiveOps.T(dy.shape(), dy.v().clone());
        int zeros = 0;
        for (int i = 0; i < dz.v().length; i++) {
            if (z.v()[i] <= 0) {
                dz.v()[i] = 0;
                zeros++;
            }
        }
        assertTrue(zeros > 0 && zeros < dz.v().length, what + ": the case must have both signs");
        NaiveOps.T[] expected = NaiveOps.convBackward(x, kernel, dz, geo);
        ConvGradients g = Conv2DOps.reluBackward(xNd, kNd, got, nd(dy, type), spec, true, true);
        assertClose(what + " dx", expected[0], g.input(), tol);
        assertClose(what + " dkernel", expected[1], g.kernel(), tol);
        assertClose(what + " dbias", expected[2], g.bias(), tol);
    }

    @Test
    void nd4jBuiltinConvMatchesNaiveLoopsWhereItApplies() {
        Conv2DOps.useImplementation(ConvImplementation.ND4J_BUILTIN);
        assertTrue(sweep(Mode.BUILTIN) > 200);
    }

    @Test
    void nd4jBuiltinConvHandlesTensorFlowSamePaddingWithTheOddPixelAtTheEnd() {
        Conv2DOps.useImplementation(ConvImplementation.ND4J_BUILTIN);
        // 12 -> ceil(12/2) = 6 with a 7x7 kernel: total padding (6-1)*2 + 7 - 12 = 5, split (2, 3).
        NaiveOps.Geo geo = new NaiveOps.Geo(2, 2, 1, 1, 2, 3, 2, 3, 1);
        assertTrue(builtinApplies(new int[] {12, 12}, new int[] {7, 7}, new int[] {3, 1, 4}, geo));
        Conv2DSpec s = Conv2DSpec.of(2, 2, 2, 3, 2, 3);
        assertEquals(1, BuiltinConv.padMode(new ConvGeometry(2, 12, 12, 3, 6, 6, 4, 7, 7, 2, 2, 1, 1, 2, 2, 1), s));
        Random rnd = new Random(12);
        checkCase(rnd, 2, new int[] {12, 12}, new int[] {7, 7}, new int[] {3, 1, 4}, geo, DataType.DOUBLE, false);
        checkCase(rnd, 2, new int[] {12, 12}, new int[] {7, 7}, new int[] {3, 1, 4}, geo, DataType.FLOAT, true);
        // The same pads on an 11-wide input give floor((11+5-7)/2)+1 = 5, not ceil(11/2) = 6: not "same", so -1.
        assertEquals(-1, BuiltinConv.padMode(new ConvGeometry(2, 11, 11, 3, 5, 5, 4, 7, 7, 2, 2, 1, 1, 2, 2, 1),
                Conv2DSpec.of(2, 2, 2, 3, 2, 3)));
    }

    /**
     * Which cases of the grid a sweep runs: all; those libnd4j can express; one group, all in FLOAT;
     * the grouped channel sets, all in FLOAT (each asserted to take DepthwiseConvFloat).
     */
    private enum Mode { ALL, BUILTIN, DIRECT, GROUPED }

    /** Runs the grid in the given mode. Returns the cases checked. */
    private static int sweep(Mode mode) {
        Random rnd = new Random(42);
        int checked = 0, caseNo = 0;
        for (int[] size : SIZES) {
            for (int[] k : KERNELS) {
                for (int[] st : STRIDES) {
                    for (int[] p : PADS) {
                        for (int[] d : DILATIONS) {
                            for (int[] ch : mode == Mode.GROUPED ? GROUPED_CHANNELS : CHANNELS) {
                                caseNo++;
                                NaiveOps.Geo geo = new NaiveOps.Geo(st[0], st[1], d[0], d[1], p[0], p[1], p[2], p[3], ch[1]);
                                if (NaiveOps.positions(size[0], p[0], p[1], k[0], d[0], st[0]) < 1
                                        || NaiveOps.positions(size[1], p[2], p[3], k[1], d[1], st[1]) < 1) {
                                    continue;
                                }
                                if (mode == Mode.BUILTIN && !builtinApplies(size, k, ch, geo)
                                        || mode == Mode.DIRECT && ch[1] != 1) {
                                    continue;
                                }
                                // Every 5th case passes a non-contiguous view; every 7th runs in FLOAT.
                                boolean view = caseNo % 5 == 0;
                                boolean allFloat = mode == Mode.DIRECT || mode == Mode.GROUPED;
                                DataType type = caseNo % 7 == 0 || allFloat ? DataType.FLOAT : DataType.DOUBLE;
                                if (mode == Mode.GROUPED) {
                                    assertTrue(Conv2DOps.depthwise(geometry(size, k, ch, geo), type), geo + " " + ch[0]);
                                }
                                checkCase(rnd, 2, size, k, ch, geo, type, view);
                                checked++;
                            }
                        }
                    }
                }
            }
        }
        return checked;
    }

    private static boolean builtinApplies(int[] size, int[] k, int[] ch, NaiveOps.Geo geo) {
        return BuiltinConv.padMode(geometry(size, k, ch, geo), spec(geo)) >= 0;
    }

    private static Conv2DSpec spec(NaiveOps.Geo geo) {
        return new Conv2DSpec(geo.sh(), geo.sw(), geo.dh(), geo.dw(), geo.pt(), geo.pb(), geo.pl(), geo.pr(), geo.groups());
    }

    /** The geometry of a grid case with a batch of two images. */
    private static ConvGeometry geometry(int[] size, int[] k, int[] ch, NaiveOps.Geo geo) {
        Conv2DSpec s = spec(geo);
        return new ConvGeometry(2, size[0], size[1], ch[0], (int) s.outHeight(size[0], k[0]),
                (int) s.outWidth(size[1], k[1]), ch[2], k[0], k[1], geo.sh(), geo.sw(), geo.dh(), geo.dw(), geo.pt(),
                geo.pl(), ch[1]);
    }

    @Test
    void chunkedBatchesGiveTheSameResultAsOneChunk() {
        Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM);
        // A patch-matrix budget of one image's rows forces one GEMM per image and beta=1 accumulation.
        ConvGemm.chunkElements = 1;
        Random rnd = new Random(7);
        checkCase(rnd, 5, new int[] {6, 5}, new int[] {3, 3}, new int[] {4, 1, 3},
                new NaiveOps.Geo(2, 1, 1, 1, 1, 0, 1, 2, 1), DataType.DOUBLE, false);
        checkCase(rnd, 3, new int[] {5, 5}, new int[] {2, 2}, new int[] {4, 2, 6},
                new NaiveOps.Geo(1, 1, 1, 2, 0, 1, 1, 0, 2), DataType.DOUBLE, true);
        ConvGemm.chunkElements = 2L * 5 * 4 * 9 * 4;   // two of the first case's images per chunk, 5 = 2+2+1
        checkCase(rnd, 5, new int[] {6, 5}, new int[] {3, 3}, new int[] {4, 1, 3},
                new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), DataType.FLOAT, false);
    }

    @Test
    void imageChunksSplitAcrossCoresGiveTheSameResult() {
        Conv2DOps.useImplementation(ConvImplementation.IM2COL_GEMM);
        ConvGemm.parallelMinElements = 0;   // every chunk is split into one part per core
        Random rnd = new Random(17);
        checkCase(rnd, 5, new int[] {6, 5}, new int[] {3, 3}, new int[] {4, 1, 3},
                new NaiveOps.Geo(2, 1, 1, 1, 1, 0, 1, 2, 1), DataType.DOUBLE, false);
        checkCase(rnd, 4, new int[] {7, 6}, new int[] {2, 3}, new int[] {6, 3, 6},
                new NaiveOps.Geo(1, 2, 2, 1, 1, 1, 0, 2, 3), DataType.FLOAT, true);
        ConvGemm.chunkElements = 2L * 5 * 4 * 9 * 4;   // several chunks, each split too
        checkCase(rnd, 5, new int[] {6, 5}, new int[] {3, 3}, new int[] {4, 1, 3},
                new NaiveOps.Geo(1, 1, 1, 1, 1, 1, 1, 1, 1), DataType.DOUBLE, false);
        // the sub-image rearrangements of a dilated layer, image by image on the cores, both backward paths
        Conv2DOps.useImplementation(ConvImplementation.AUTO);
        for (int f : new int[] {12, 66}) {
            checkCase(rnd, 5, new int[] {9, 8}, new int[] {3, 3}, new int[] {16, 1, f},
                    new NaiveOps.Geo(1, 1, 2, 3, 2, 2, 1, 5, 1), DataType.FLOAT, f == 12);
        }
    }

    @Test
    void backwardLeavesOutWhatIsNotRequested() {
        Random rnd = new Random(3);
        NaiveOps.T x = random(rnd, 1, 4, 4, 2), k = random(rnd, 3, 3, 2, 2);
        INDArray dy = nd(random(rnd, 1, 2, 2, 2), DataType.DOUBLE);
        ConvGradients g = Conv2DOps.backward(nd(x, DataType.DOUBLE), nd(k, DataType.DOUBLE), dy, Conv2DSpec.unit(),
                false, false);
        assertNull(g.input());
        assertNull(g.bias());
        assertEquals(4, g.kernel().rank());
    }

    static void checkCase(Random rnd, int n, int[] size, int[] k, int[] ch, NaiveOps.Geo geo, DataType type,
                                  boolean view) {
        int c = ch[0], groups = ch[1], f = ch[2];
        NaiveOps.T x = random(rnd, n, size[0], size[1], c);
        NaiveOps.T kernel = random(rnd, k[0], k[1], c / groups, f);
        double[] bias = random(rnd, f).v();
        Conv2DSpec spec = new Conv2DSpec(geo.sh(), geo.sw(), geo.dh(), geo.dw(), geo.pt(), geo.pb(), geo.pl(), geo.pr(),
                groups);
        String what = "x " + java.util.Arrays.toString(x.shape()) + " kernel " + java.util.Arrays.toString(kernel.shape())
                + " " + spec + " " + type + (view ? " view" : "");
        double tol = type == DataType.DOUBLE ? 1e-10 : 2e-5;

        INDArray xNd = view ? nhwcView(x, type) : nd(x, type);
        NaiveOps.T y = NaiveOps.conv(x, kernel, bias, geo);
        assertClose(what + " forward", y, Conv2DOps.forward(xNd, nd(kernel, type), nd(bias, type), spec), tol);

        NaiveOps.T dy = random(rnd, y.shape());
        NaiveOps.T[] expected = NaiveOps.convBackward(x, kernel, dy, geo);
        ConvGradients got = Conv2DOps.backward(xNd, nd(kernel, type), nd(dy, type), spec, true, true);
        assertClose(what + " dx", expected[0], got.input(), tol);
        assertClose(what + " dkernel", expected[1], got.kernel(), tol);
        assertClose(what + " dbias", expected[2], got.bias(), tol);
    }

    /** The same values as an NHWC view of an NCHW array: non-contiguous strides. */
    static INDArray nhwcView(NaiveOps.T x, DataType type) {
        int[] s = x.shape();
        INDArray nchw = nd(x, type).permute(0, 3, 1, 2).dup('c');
        INDArray v = nchw.permute(0, 2, 3, 1);
        assertTrue(v.isView() || v.ordering() != 'c' || v.stride(3) != 1, "expected a non-contiguous view");
        assertEquals(s[3], v.size(3));
        return v;
    }
}
