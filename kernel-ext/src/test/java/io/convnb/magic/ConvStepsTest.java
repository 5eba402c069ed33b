package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class ConvStepsTest {

    private static final String SQUARE = """
            0 0 0 0 0
            0 9 9 9 0
            0 9 9 9 0
            0 9 9 9 0
            0 0 0 0 0
            """;

    private static DisplayData run(String args, String body) {
        return ConvSteps.cell(args.isEmpty() ? List.of() : List.of(args.split(" ")), body);
    }

    private static String error(String args, String body) {
        return assertThrows(MagicArgumentException.class, () -> run(args, body)).getMessage();
    }

    @Test
    void edgeKernelOnASquareWorkedByHand() {
        // out = 8*centre - sum of the 8 neighbours. Corner windows: centre 9, neighbours 9+9+9 -> 72-27 = 45;
        // edge windows: neighbours 5 nines -> 72-45 = 27; centre window: all nines -> 0.
        DisplayData d = run("stride=1 padding=valid", SQUARE + "\n-1 -1 -1\n-1 8 -1\n-1 -1 -1\n");
        String text = Gallery.text(d);
        assertTrue(text.contains("output:\n45 27 45\n27  0 27\n45 27 45\n"), text);
        assertTrue(text.contains("out[0][0] = 0*(-1) + 0*(-1) + 0*(-1) + 0*(-1) + 9*8 + 9*(-1) + 0*(-1) + 9*(-1) + 9*(-1) = 45\n"),
                text);
        assertTrue(text.contains("out[1][1] = 9*(-1) + 9*(-1) + 9*(-1) + 9*(-1) + 9*8 + 9*(-1) + 9*(-1) + 9*(-1) + 9*(-1) = 0\n"),
                text);
        assertTrue(text.startsWith("%%conv: input 5x5, kernel 3x3, stride 1x1, dilation 1x1, padding top 0, bottom 0,"
                + " left 0, right 0 -> output 3x3\n"), text);
        String html = Gallery.html(d);
        // three matrices plus nine step views, each step highlighting its nine window cells
        assertEquals(3 + 9, Html.count(html, "table") - 1);
        NodeList cells = Html.parse(html).getElementsByTagName("td");
        int highlighted = 0;
        for (int i = 0; i < cells.getLength(); i++) {
            if (((Element) cells.item(i)).getAttribute("style").contains("#ff9800")) {
                highlighted++;
            }
        }
        assertEquals(9 * 9, highlighted);
        Gallery.save("conv-edge-square", d);
    }

    @Test
    void namedKernelWithSamePaddingCountsPaddingAsZero() {
        // sobel_x = [[-1 0 1] [-2 0 2] [-1 0 1]] on 1..9 with one cell of zeros around:
        // out[0][0] = -2*0 + 2*2 + -1*0 + 1*5 = 9; out[0][1] = -2*1 + 2*3 + -1*4 + 1*6 = 6;
        // out[1][1] = (-1 + 3) + (-8 + 12) + (-7 + 9) = 8
        DisplayData d = run("padding=same kernel=sobel_x", "1 2 3\n4 5 6\n7 8 9\n");
        String text = Gallery.text(d);
        // out[1][0] = (0 + 2) + (0 + 2*5) + (0 + 8) = 20; out[2][0] = 5 + 2*8 = 21; out[0][2] = -2*2 - 5 = -9
        assertTrue(text.contains("output:\n  9   6  -9\n 20   8 -20\n 21   6 -21\n"), text);
        assertTrue(text.contains("out[1][1] = 1*(-1) + 2*0 + 3*1 + 4*(-2) + 5*0 + 6*2 + 7*(-1) + 8*0 + 9*1 = 8\n"), text);
        assertTrue(text.contains("kernel 3x3 (sobel_x)"), text);
        Gallery.save("conv-sobel-same", d);
    }

    @Test
    void strideTwoPicksEveryOtherWindow() {
        // identity kernel reads the window centres: rows and columns 1 and 3 of 1..25
        String body = "1 2 3 4 5\n6 7 8 9 10\n11 12 13 14 15\n16 17 18 19 20\n21 22 23 24 25\n";
        String text = Gallery.text(run("stride=2 kernel=identity", body));
        assertTrue(text.contains("output:\n 7  9\n17 19\n"), text);
    }

    @Test
    void blurShowsRoundedFractions() {
        String text = Gallery.text(run("kernel=blur", "9 9 9\n9 9 9\n0 0 0\n"));
        // mean of six nines and three zeros = 6
        assertTrue(text.contains("output:\n6\n"), text);
        assertTrue(text.contains("9*0.1111 + "), text);
    }

    @Test
    void largeOutputsAreCappedAndSaySo() {
        StringBuilder body = new StringBuilder();
        for (int r = 0; r < 10; r++) {
            for (int c = 0; c < 10; c++) {
                body.append(c == 0 ? "" : ",").append(r * 10 + c);
            }
            body.append('\n');
        }
        DisplayData d = run("kernel=edge", body.toString());
        String text = Gallery.text(d);
        assertTrue(text.contains("Showing the first 36 of 64 output cells step by step (row by row)."), text);
        assertEquals(36, text.lines().filter(l -> l.startsWith("out[")).count());
        assertTrue(text.contains("out[4][3] = "), text);
        assertTrue(!text.contains("out[4][4] = "), text);
    }

    @Test
    void errors() {
        assertEquals("%%conv body line 2: this row has 2 numbers but the matrix starting on line 1 has 3 per row. Give every"
                + " row the same length (a blank line starts the next matrix).", error("", "1 2 3\n4 5\n\n1\n"));
        assertEquals("%%conv body line 3: 'x' is not a number. Write numbers separated by spaces or commas, e.g. '1 0 -1'"
                + " or '0.5, 2'.", error("", "1 2\n3 4\n5 x\n\n1\n"));
        assertEquals("%%conv: the body must hold the input matrix, a blank line and the kernel matrix, but it has 1 block."
                + " Add the kernel after a blank line, or name one with kernel=sobel_x|sobel_y|sharpen|blur|edge|identity|emboss.",
                error("", "1 2\n3 4\n"));
        assertEquals("%%conv: kernel=edge is given, so the body must hold only the input matrix, but it has 2 blocks separated"
                + " by blank lines. Remove the kernel matrix from the body or drop kernel=.", error("kernel=edge", "1 2\n\n1\n"));
        assertEquals("%%conv: kernel=sobelx is not valid: there is no kernel of that name (did you mean 'sobel_x'?)."
                + " Accepted: sobel_x, sobel_y, sharpen, blur, edge, identity, emboss, or a kernel matrix in the body after a"
                + " blank line.", error("kernel=sobelx", "1 2\n"));
        assertEquals("%%conv: the body is empty. Write the input matrix (rows on lines, numbers separated by spaces), a"
                + " blank line and the kernel matrix; see %%conv --help.", error("", "\n# nothing\n"));
        assertEquals("%%conv: Unknown argument 'strid'. Did you mean 'stride'? Accepted: stride, padding, dilation, kernel.",
                error("strid=2", "1\n\n1\n"));
        String msg = error("", "1 2\n3 4\n\n1 1 1\n1 1 1\n1 1 1\n");
        assertTrue(msg.startsWith("%%conv: output height = floor((2 + 0 + 0 - 1*(3-1) - 1)/1) + 1 = 0"), msg);
        StringBuilder big = new StringBuilder();
        for (int r = 0; r < 33; r++) {
            big.append("1 ".repeat(33)).append('\n');
        }
        assertEquals("%%conv: the input is 33x33, larger than the 32x32 this worked-example view draws. Use a smaller"
                + " matrix, or %convmath for the sizes of large inputs.", error("kernel=edge", big.toString()));
    }

    @Test
    void helpListsTheNamedKernels() {
        String help = Gallery.text(run("--help", ""));
        assertEquals(ConvSteps.USAGE, help);
        assertTrue(help.contains("sobel_x: [-1 0 1] [-2 0 2] [-1 0 1]"), help);
        assertTrue(help.contains("blur: [1/9 1/9 1/9]"), help);
        assertTrue(help.contains("%%conv stride=1 padding=valid"), help);
    }
}
