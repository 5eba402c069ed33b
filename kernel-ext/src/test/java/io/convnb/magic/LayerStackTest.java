package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.List;

import org.junit.jupiter.api.Test;

class LayerStackTest {

    private static DisplayData run(String args, String body) {
        return LayerStack.cell(List.of(args.split(" ")), body);
    }

    private static String error(String args, String body) {
        return assertThrows(MagicArgumentException.class, () -> run(args, body)).getMessage();
    }

    @Test
    void tableWorkedByHand() {
        String body = """
                conv 3 padding=same
                conv 3 padding=same   # two 3x3 convs see 5x5

                pool 2
                conv 5x5 stride=2
                dilated 3 dilation=2 padding=same
                """;
        DisplayData d = run("input=32x32", body);
        String text = Gallery.text(d);
        // By hand, per axis (r = receptive field, j = jump, start = centre of the first field):
        // input 32, r 1, j 1, start 0
        // conv 3 same: 32, r 1+2*1 = 3, j 1, start 0 + (1-1)*1 = 0
        // conv 3 same: 32, r 5, j 1, start 0
        // pool 2: floor((32-2)/2)+1 = 16, r 5+1*1 = 6, j 2, start 0 + (0.5-0)*1 = 0.5
        // conv 5 stride 2: floor((16-5)/2)+1 = 6, r 6+4*2 = 14, j 4, start 0.5 + 2*2 = 4.5
        // dilated 3 d2 same: k_eff 5, out 6, pad total (6-1)+5-6 = 4 -> 2 before; r 14+4*4 = 30, j 4, start 4.5+(2-2)*4
        String expected = """
                input 32x32
                #  layer      spec                               output  receptive field  jump  start
                ----------------------------------------------------------------------------------------
                0  input                                         32x32   1x1              1x1   0, 0
                1  conv_1     conv 3 padding=same                32x32   3x3              1x1   0, 0
                2  conv_2     conv 3 padding=same                32x32   5x5              1x1   0, 0
                3  pool_3     pool 2                             16x16   6x6              2x2   0.5, 0.5
                4  conv_4     conv 5x5 stride=2                  6x6     14x14            4x4   4.5, 4.5
                5  dilated_5  dilated 3 dilation=2 padding=same  6x6     30x30            4x4   4.5, 4.5
                """;
        assertTrue(text.startsWith(expected), text);
        String html = Gallery.html(d);
        assertEquals(7, Html.count(html, "tr"));
        assertEquals(7 * 6, Html.count(html, "td"));
        Gallery.save("convmath-stack", d);
    }

    @Test
    void axesAreIndependent() {
        String text = Gallery.text(run("input=10x20", "conv 3x5 stride=1x2\nmaxpool 2x1 padding=same"));
        // height: 10 -> 8 (valid 3), start 1 -> pool 2 (stride defaults to the pool size 2x1), same: ceil(8/2) = 4,
        //         r 3 + 1*1 = 4, j 2, start 1 + 0.5*1 = 1.5
        // width: 20 -> floor((20-5)/2)+1 = 8, r 5, j 2, start 2 -> pool width 1 stride 1: 8, r 5, j 2, start 2
        assertTrue(text.contains("1  conv_1     conv 3x5 stride=1x2       8x8     3x5              1x2   1, 2\n"), text);
        assertTrue(text.contains("2  maxpool_2  maxpool 2x1 padding=same  4x8     4x5              2x2   1.5, 2\n"), text);
    }

    @Test
    void explicitPaddingPerSide() {
        String text = Gallery.text(run("input=8", "conv 3 padding=1,0,2,1"));
        // height: 8 + 1 + 0 - 2 = 7; width: 8 + 2 + 1 - 2 = 9; start = (1 - pad_before): 0 and -1
        assertTrue(text.contains("7x9     3x3              1x1   0, -1"), text);
    }

    @Test
    void errorsNameTheLine() {
        assertEquals("%%convmath line 4 (convv 3): unknown layer 'convv'. Did you mean 'conv'? Accepted: conv, dilated,"
                + " pool, maxpool, avgpool, each followed by a kernel size, e.g. 'conv 3 stride=2'.",
                error("input=28", "conv 3\n\n# comment\nconvv 3"));
        assertEquals("%%convmath line 1 (pool 2 dilation=2): Unknown argument 'dilation'. Accepted: stride, padding.",
                error("input=28", "pool 2 dilation=2"));
        assertEquals("%%convmath line 2 (conv stride=2): 'conv' needs a kernel size right after it. Accepted: conv 3 or"
                + " conv 3x5.", error("input=28", "conv 3\nconv stride=2"));
        assertEquals("%%convmath line 1 (conv 3 stride=0): stride=0 is not valid: strides must be >= 1 on every axis."
                + " Accepted: stride=2 or stride=2x1.", error("input=28", "conv 3 stride=0"));
        assertEquals("%%convmath line 1 (dilated 3): 'dilated' needs dilation=. Accepted: dilated 3 dilation=2, or conv 3"
                + " for no dilation.", error("input=28", "dilated 3"));
        assertEquals("%%convmath: the cell has no layers. Write one layer per line under the magic line, e.g."
                + " 'conv 3 padding=same' or 'pool 2' (see %%convmath --help).", error("input=28", "# nothing\n\n"));
        assertEquals("%%convmath: input= is required. Accepted: input=28 or input=28x32.", error("", "conv 3"));
        assertEquals("%%convmath: Unknown argument 'inputs'. Did you mean 'input'? Accepted: input.", error("inputs=28", "conv 3"));
        String msg = error("input=4", "conv 3\nconv 3\nconv 3");
        assertTrue(msg.startsWith("%%convmath line 2 (conv 3): output height = floor((2 + 0 + 0 - 1*(3-1) - 1)/1) + 1 = 0"), msg);
    }

    @Test
    void help() {
        String help = Gallery.text(run("--help", ""));
        assertEquals(LayerStack.USAGE, help);
        assertTrue(help.contains("In IJava 1.3.0 a %%convmath cell needs at least one layer line"), help);
    }
}
