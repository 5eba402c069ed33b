package io.convnb.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The tutorial example worked out by hand: a 5x5 image holding 1..25 row by row, a 3x3 vertical
 * edge kernel, stride 2 and Keras "same" padding, which for 5 -> ceil(5/2) = 3 needs
 * total padding (3-1)*2 + 3 - 5 = 2, split (1, 1) on both axes.
 */
class GoldenConvTest {
    /** image[r][c] = 5r + c + 1. */
    static final double[][] IMAGE = {
        {1, 2, 3, 4, 5},
        {6, 7, 8, 9, 10},
        {11, 12, 13, 14, 15},
        {16, 17, 18, 19, 20},
        {21, 22, 23, 24, 25}};
    /** Left column minus right column: responds to brightness falling from left to right. */
    static final double[][] EDGE = {{1, 0, -1}, {1, 0, -1}, {1, 0, -1}};
    static final Conv2DSpec SPEC = Conv2DSpec.of(2, 2, 1, 1, 1, 1);

    /*
     * Output cell (r, c) reads image rows 2r-1 .. 2r+1 and columns 2c-1 .. 2c+1 (row/column -1 and 5
     * are padding). The kernel adds the window's left column and subtracts its right column:
     *   c = 0: left column -1 is padding, right column 1 holds 5row+2     -> -(sum of 5row+2)
     *   c = 1: left column 1 (5row+2) minus right column 3 (5row+4)        -> -2 per valid row
     *   c = 2: left column 3 (5row+4), right column 5 is padding           -> +(sum of 5row+4)
     * Valid rows: r = 0 -> rows 0,1; r = 1 -> rows 1,2,3; r = 2 -> rows 3,4.
     *   r = 0: -(2+7) = -9,         -2*2 = -4,  4+9 = 13
     *   r = 1: -(7+12+17) = -36,    -2*3 = -6,  9+14+19 = 42
     *   r = 2: -(17+22) = -39,      -2*2 = -4,  19+24 = 43
     */
    static final double[][] EXPECTED = {{-9, -4, 13}, {-36, -6, 42}, {-39, -4, 43}};

    @Test
    void referenceLoopsGiveTheHandWorkedOutput() {
        double[][] out = ConvReference.forward(IMAGE, EDGE, SPEC);
        for (int r = 0; r < 3; r++) {
            assertArrayEquals(EXPECTED[r], out[r], 0.0, "row " + r);
        }
    }

    @Test
    void fastOpGivesTheHandWorkedOutputInFloatAndDouble() {
        for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray x = Nd4j.create(IMAGE).castTo(type).reshape(1, 5, 5, 1);
            INDArray k = Nd4j.create(EDGE).castTo(type).reshape(3, 3, 1, 1);
            INDArray y = Conv2DOps.forward(x, k, null, SPEC);
            assertArrayEquals(new long[] {1, 3, 3, 1}, y.shape());
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    assertEquals(EXPECTED[r][c], y.getDouble(0, r, c, 0), 0.0, type + " cell " + r + "," + c);
                }
            }
        }
    }

    @Test
    void stepByStepTermsOfTheCornerCellShowThePadding() {
        // Cell (0, 0): window rows -1..1, columns -1..1; five of its nine cells are padding.
        ConvReference.CellTerms t = ConvReference.terms(IMAGE, EDGE, SPEC, 0, 0);
        List<ConvReference.Term> terms = t.terms();
        assertEquals(9, terms.size());
        assertEquals(5, terms.stream().filter(ConvReference.Term::padding).count());
        ConvReference.Term middleRight = terms.get(5);   // kernel (1, 2) over image (0, 1) = 2
        assertEquals(0, middleRight.row());
        assertEquals(1, middleRight.col());
        assertEquals(2.0, middleRight.input());
        assertEquals(-1.0, middleRight.weight());
        assertEquals(-2.0, middleRight.product());
        assertEquals(-9.0, t.sum());
        assertEquals("0*1 + 0*0 + 0*(-1) + 0*1 + 1*0 + 2*(-1) + 0*1 + 6*0 + 7*(-1) = (-9)", t.formula());
    }

    @Test
    void ndArrayReferenceAgreesWithTheFastOpIncludingGroupsAndBias() {
        java.util.Random rnd = new java.util.Random(4);
        INDArray x = TestTensors.nd(TestTensors.random(rnd, 2, 5, 6, 4), DataType.DOUBLE);
        INDArray k = TestTensors.nd(TestTensors.random(rnd, 3, 2, 2, 6), DataType.DOUBLE);
        INDArray b = TestTensors.nd(TestTensors.random(rnd, 6).v(), DataType.DOUBLE);
        Conv2DSpec s = new Conv2DSpec(2, 1, 1, 2, 1, 0, 2, 1, 2);
        INDArray ref = ConvReference.forward(x, k, b, s);
        INDArray fast = Conv2DOps.forward(x, k, b, s);
        assertArrayEquals(fast.shape(), ref.shape());
        assertTrue(fast.equalsWithEps(ref, 1e-12));
        assertArrayEquals(new long[] {2, 2, 7, 6}, fast.shape());
        ConvReference.CellTerms cell = ConvReference.terms(x, k, b, s, 1, 1, 3, 4);
        assertEquals(3 * 2 * 2, cell.terms().size());
        assertEquals(fast.getDouble(1, 1, 3, 4), cell.sum(), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvReference.terms(x, k, b, s, 1, 2, 3, 4));
        assertEquals("ConvReference: output cell (2, 3) is outside the 2x7 output; use a row in 0..1 and a column in 0..6.",
                e.getMessage());
        assertTrue(cell.terms().stream().allMatch(term -> term.channel() >= 2), "filter 4 is in group 1: channels 2, 3");
    }

    @Test
    void gradientOfTheGoldenExampleWithUnitUpstreamGradient() {
        // With dy = 1 everywhere, dKernel[i][j] sums the image cells that tap (i, j) visits:
        // tap (i, j) reads rows 2r-1+i and columns 2c-1+j for r, c in 0..2.
        // i = 0 -> rows {-1, 1, 3}, i = 1 -> rows {0, 2, 4}, i = 2 -> rows {1, 3, 5}; same for columns.
        // Rows {0,2,4} x columns {0,2,4}: 1+3+5 + 11+13+15 + 21+23+25 = 117 (the centre tap).
        // Rows {1,3} x columns {1,3}: 7+9+17+19 = 52 (each corner tap).
        // Rows {1,3} x columns {0,2,4}: 6+8+10+16+18+20 = 78; rows {0,2,4} x columns {1,3}: 2+4+12+14+22+24 = 78.
        double[][] expected = {{52, 78, 52}, {78, 117, 78}, {52, 78, 52}};
        INDArray x = Nd4j.create(IMAGE).reshape(1, 5, 5, 1);
        INDArray k = Nd4j.create(EDGE).reshape(3, 3, 1, 1);
        ConvGradients g = Conv2DOps.backward(x, k, Nd4j.ones(DataType.DOUBLE, 1, 3, 3, 1), SPEC, true, true);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[i][j], g.kernel().getDouble(i, j, 0, 0), 0.0, "tap " + i + "," + j);
            }
        }
        assertEquals(9.0, g.bias().getDouble(0), 0.0);
        // Input gradient with dy = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]: image row 1 lies in windows r = 0 (tap i = 2)
        // and r = 1 (tap i = 0); column 1 in windows c = 0 (tap j = 2, weight -1) and c = 1 (tap j = 0, weight +1).
        //   cell (1, 1) = -dy(0,0) + dy(0,1) - dy(1,0) + dy(1,1) = -1 + 2 - 4 + 5 = 2
        //   cell (1, 3): column 3 in c = 1 (j = 2, -1) and c = 2 (j = 0, +1): -2 + 3 - 5 + 6 = 2
        //   cell (0, 1): row 0 only in r = 0 at tap i = 1: -dy(0,0) + dy(0,1) = 1
        //   cell (2, 2): column 2 is only seen by the kernel's zero middle column: 0
        INDArray dy = Nd4j.create(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new long[] {1, 3, 3, 1}, 'c');
        INDArray dx = Conv2DOps.backward(x, k, dy, SPEC, true, false).input();
        assertEquals(2.0, dx.getDouble(0, 1, 1, 0), 0.0);
        assertEquals(2.0, dx.getDouble(0, 1, 3, 0), 0.0);
        assertEquals(1.0, dx.getDouble(0, 0, 1, 0), 0.0);
        assertEquals(0.0, dx.getDouble(0, 2, 2, 0), 0.0);
    }
}
