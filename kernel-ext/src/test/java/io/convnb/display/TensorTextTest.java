package io.convnb.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Expected strings were produced by NumPy 1.24 (Debian's python3-numpy) with
 * {@code "array(" + np.array2string(a, separator=', ', prefix='array(', suffix=',')} under
 * {@code np.printoptions(precision=4, edgeitems=3, threshold=1000)} unless stated.
 */
class TensorTextTest {

    private static DisplayOptions opts() {
        return new DisplayOptions();
    }

    @Test
    void smallMatrixMatchesNumpyAndAddsShapeAndDtype() {
        INDArray a = Nd4j.createFromArray(new float[][] {{0f, 0.5f, 1f}, {1.5f, 2f, 2.5f}});
        assertEquals("array([[0. , 0.5, 1. ],\n"
                + "       [1.5, 2. , 2.5]], shape=(2, 3), dtype=float32)", TensorText.of(a, opts()));
    }

    @Test
    void summarisedFloat32MatrixUsesEdgeItemsScientificAndWrapping() {
        INDArray a = Nd4j.arange(2000).castTo(DataType.FLOAT).reshape(40, 50).div(7);
        String expected = """
                array([[0.0000e+00, 1.4286e-01, 2.8571e-01, ..., 6.7143e+00, 6.8571e+00,
                        7.0000e+00],
                       [7.1429e+00, 7.2857e+00, 7.4286e+00, ..., 1.3857e+01, 1.4000e+01,
                        1.4143e+01],
                       [1.4286e+01, 1.4429e+01, 1.4571e+01, ..., 2.1000e+01, 2.1143e+01,
                        2.1286e+01],
                       ...,
                       [2.6429e+02, 2.6443e+02, 2.6457e+02, ..., 2.7100e+02, 2.7114e+02,
                        2.7129e+02],
                       [2.7143e+02, 2.7157e+02, 2.7171e+02, ..., 2.7814e+02, 2.7829e+02,
                        2.7843e+02],
                       [2.7857e+02, 2.7871e+02, 2.7886e+02, ..., 2.8529e+02, 2.8543e+02,
                        2.8557e+02]]""";
        assertEquals(expected, TensorText.body(a, opts()));
        assertTrue(TensorText.of(a, opts()).endsWith("2.8557e+02]], shape=(40, 50), dtype=float32)"));
    }

    @Test
    void longVectorWrapsAt75ColumnsWithSpacePaddedFractions() {
        double[] v = new double[30];
        for (int i = 0; i < 30; i++) {
            v[i] = i * (1.0 / 29);
        }
        v[29] = 1.0;
        String expected = """
                array([0.    , 0.0345, 0.069 , 0.1034, 0.1379, 0.1724, 0.2069, 0.2414,
                       0.2759, 0.3103, 0.3448, 0.3793, 0.4138, 0.4483, 0.4828, 0.5172,
                       0.5517, 0.5862, 0.6207, 0.6552, 0.6897, 0.7241, 0.7586, 0.7931,
                       0.8276, 0.8621, 0.8966, 0.931 , 0.9655, 1.    ]""";
        assertEquals(expected, TensorText.body(Nd4j.createFromArray(v), opts()));
        // The shape/dtype suffix would pass column 75 on the last line, so it goes on its own line.
        assertTrue(TensorText.of(Nd4j.createFromArray(v), opts()).endsWith("0.9655, 1.    ],\n      shape=(30,), dtype=float64)"));
    }

    @Test
    void nonFiniteValuesAreRightAligned() {
        INDArray a = Nd4j.createFromArray(1e-5, 1.5, Double.NaN, Double.NEGATIVE_INFINITY);
        assertEquals("array([1.0e-05, 1.5e+00,     nan,    -inf]", TensorText.body(a, opts()));
    }

    @Test
    void integerCubeSeparatesBlocksWithBlankLine() {
        INDArray a = Nd4j.arange(24).castTo(DataType.INT32).reshape(2, 3, 4);
        String expected = """
                array([[[ 0,  1,  2,  3],
                        [ 4,  5,  6,  7],
                        [ 8,  9, 10, 11]],

                       [[12, 13, 14, 15],
                        [16, 17, 18, 19],
                        [20, 21, 22, 23]]], shape=(2, 3, 4), dtype=int32)""";
        assertEquals(expected, TensorText.of(a, opts()));
    }

    @Test
    void summarisedCubeMatchesNumpy() {
        INDArray a = Nd4j.arange(3000).castTo(DataType.INT64).reshape(10, 10, 30);
        String text = TensorText.body(a, opts());
        String[] lines = text.split("\n", -1);
        // NumPy: 6 blocks of 7 lines + 1 '...' block, separated by blank lines.
        assertEquals("array([[[   0,    1,    2, ...,   27,   28,   29],", lines[0]);
        assertEquals("        [  30,   31,   32, ...,   57,   58,   59],", lines[1]);
        assertEquals("        ...,", lines[3]);
        assertEquals("        [ 270,  271,  272, ...,  297,  298,  299]],", lines[6]);
        assertEquals("", lines[7]);
        assertEquals("       [[ 300,  301,  302, ...,  327,  328,  329],", lines[8]);
        assertEquals("       ...,", lines[24]);
        assertEquals("", lines[25]);
        assertEquals("        [2970, 2971, 2972, ..., 2997, 2998, 2999]]]", lines[lines.length - 1]);
        assertEquals(49, lines.length); // 6 blocks of 7 lines, one '...,' line, 6 blank lines
    }

    @Test
    void boolsNegativesSignedZeroAndSmallPrecision() {
        assertEquals("array([ True, False,  True]",
                TensorText.body(Nd4j.createFromArray(true, false, true), opts()));
        assertEquals("array([ -1.25 ,   3.142, 100.   ]",
                TensorText.body(Nd4j.createFromArray(-1.25f, 3.14159265f, 100.0f), opts().precision(3)));
        assertEquals("array([ 1.0e+09, -2.5e+00,  0.0e+00]",
                TensorText.body(Nd4j.createFromArray(1e9, -2.5, 0.0), opts()));
        assertEquals("array([-0.,  1.]", TensorText.body(Nd4j.createFromArray(-0.0, 1.0), opts()));
    }

    @Test
    void float32ValuesUseTheShortestFloat32Digits() {
        // 0.1f is 0.100000001490116...; float32 needs one digit, float64 of the same value needs 8 (capped).
        assertEquals("array([0.1, 0.2]", TensorText.body(Nd4j.createFromArray(0.1f, 0.2f), opts().precision(8)));
        assertEquals("array([0.1, 0.2]", TensorText.body(Nd4j.createFromArray(0.1, 0.2), opts().precision(8)));
        assertEquals("array([0.1000000015, 0.2         ]",
                TensorText.body(Nd4j.createFromArray((double) 0.1f, 0.2), opts().precision(10)));
    }

    @Test
    void separateRowAndColumnEdgeItems() {
        // Hand-worked: rows=1 keeps the first and last row, cols=2 the first and last two columns.
        INDArray a = Nd4j.arange(60).castTo(DataType.INT32).reshape(6, 10);
        DisplayOptions o = opts().rows(1).cols(2).threshold(10);
        assertEquals("array([[ 0,  1, ...,  8,  9],\n"
                + "       ...,\n"
                + "       [50, 51, ..., 58, 59]], shape=(6, 10), dtype=int32)", TensorText.of(a, o));
    }

    @Test
    void scalarsEmptyArraysAndViews() {
        assertEquals("array(2.5, shape=(), dtype=float32)", TensorText.of(Nd4j.scalar(2.5f), opts()));
        assertEquals("array([], shape=(0, 3), dtype=float32)", TensorText.of(Nd4j.create(DataType.FLOAT, 0, 3), opts()));
        INDArray m = Nd4j.arange(12).castTo(DataType.INT32).reshape(3, 4);
        // A transposed view must print its logical order, not its buffer order.
        assertEquals("array([[ 0,  4,  8],\n"
                + "       [ 1,  5,  9],\n"
                + "       [ 2,  6, 10],\n"
                + "       [ 3,  7, 11]], shape=(4, 3), dtype=int32)", TensorText.of(m.transpose(), opts()));
    }

    @Test
    void hundredMillionElementsRenderInMilliseconds() {
        INDArray huge = Nd4j.createUninitialized(DataType.FLOAT, 10_000, 10_000);
        TensorText.of(huge, opts()); // warm-up of the code path
        long t0 = System.nanoTime();
        String text = TensorText.of(huge, opts());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(text.endsWith("shape=(10000, 10000), dtype=float32)"), text);
        assertEquals(7, text.split("\n").length, text);
        assertTrue(ms < 200, "rendering took " + ms + " ms");
    }

    @Test
    void optionsValidateWithNamedMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opts().set("rows", "0"));
        assertEquals("Display option rows=0 is out of range: rows (edge rows shown before and after '...') must be between 1 and 100.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> opts().set("precision", "two"));
        assertEquals("Display option precision='two' is not a whole number; write e.g. precision=4.", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> opts().set("colour", "red"));
        assertTrue(e.getMessage().startsWith("Unknown display option 'colour'. Accepted options: rows, cols, precision, threshold, cmap"));
        e = assertThrows(IllegalArgumentException.class, () -> opts().set("cmap", "jet"));
        assertEquals("Unknown colour map 'jet'. Accepted: viridis, gray, blues, rdbu (rdbu: negative blue, zero white, positive red).", e.getMessage());
        DisplayOptions o = opts().set("rows", "5").set("cols", "2").set("precision", "2").set("cmap", "RdBu").set("threshold", "10");
        assertEquals("rows=5 cols=2 precision=2 threshold=10 cmap=rdbu", o.toString());
        assertEquals("rows=3 cols=3 precision=4 threshold=1000 cmap=viridis", o.reset().toString());
    }

    @Test
    void fourDimensionalArraysSeparateTopBlocksWithTwoBlankLines() {
        // NumPy 1.24: (2, 3, 4, 40) float32, threshold=100, edgeitems=2: only the last axis (40 > 2*2) is cut.
        float[] f = new float[960];
        for (int i = 0; i < 960; i++) {
            f[i] = (float) i / 13f - 20f;
        }
        INDArray a = Nd4j.createFromArray(f).reshape(2, 3, 4, 40);
        assertEquals("""
                array([[[[-20.    , -19.9231, ..., -17.0769, -17.    ],
                         [-16.9231, -16.8462, ..., -14.    , -13.9231],
                         [-13.8462, -13.7692, ..., -10.9231, -10.8462],
                         [-10.7692, -10.6923, ...,  -7.8462,  -7.7692]],

                        [[ -7.6923,  -7.6154, ...,  -4.7692,  -4.6923],
                         [ -4.6154,  -4.5385, ...,  -1.6923,  -1.6154],
                         [ -1.5385,  -1.4615, ...,   1.3846,   1.4615],
                         [  1.5385,   1.6154, ...,   4.4615,   4.5385]],

                        [[  4.6154,   4.6923, ...,   7.5385,   7.6154],
                         [  7.6923,   7.7692, ...,  10.6154,  10.6923],
                         [ 10.7692,  10.8462, ...,  13.6923,  13.7692],
                         [ 13.8462,  13.9231, ...,  16.7692,  16.8462]]],


                       [[[ 16.9231,  17.    , ...,  19.8462,  19.9231],
                         [ 20.    ,  20.0769, ...,  22.9231,  23.    ],
                         [ 23.0769,  23.1538, ...,  26.    ,  26.0769],
                         [ 26.1538,  26.2308, ...,  29.0769,  29.1538]],

                        [[ 29.2308,  29.3077, ...,  32.1538,  32.2308],
                         [ 32.3077,  32.3846, ...,  35.2308,  35.3077],
                         [ 35.3846,  35.4615, ...,  38.3077,  38.3846],
                         [ 38.4615,  38.5385, ...,  41.3846,  41.4615]],

                        [[ 41.5385,  41.6154, ...,  44.4615,  44.5385],
                         [ 44.6154,  44.6923, ...,  47.5385,  47.6154],
                         [ 47.6923,  47.7692, ...,  50.6154,  50.6923],
                         [ 50.7692,  50.8462, ...,  53.6923,  53.7692]]]]""", TensorText.body(a, opts().threshold(100).rows(2).cols(2)));
    }

    @Test
    void scientificNotationWhenMagnitudesSpanMoreThanThousandfold() {
        double[] e = new double[12];
        for (int i = 0; i < 12; i++) {
            e[i] = Math.exp(i);
        }
        assertEquals("""
                array([[1.0000e+00, 2.7183e+00, 7.3891e+00, 2.0086e+01],
                       [5.4598e+01, 1.4841e+02, 4.0343e+02, 1.0966e+03],
                       [2.9810e+03, 8.1031e+03, 2.2026e+04, 5.9874e+04]]""", TensorText.body(Nd4j.createFromArray(e).reshape(3, 4), opts()));
    }
}
