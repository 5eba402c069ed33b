package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.display.ColorMap;
import io.convnb.display.DisplayOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.List;

import org.junit.jupiter.api.Test;

class DisplayMagicTest {

    private static List<String> tokens(String line) {
        return line.isEmpty() ? List.of() : List.of(line.split(" "));
    }

    @Test
    void setsShowsAndResets() {
        DisplayOptions o = new DisplayOptions();
        DisplayData d = DisplayMagic.line(tokens("rows=5 precision=2 cmap=rdbu"), o);
        assertEquals(5, o.rows());
        assertEquals(3, o.cols());
        assertEquals(2, o.precision());
        assertEquals(ColorMap.RDBU, o.cmap());
        assertEquals("Display options set: rows=5 cols=3 precision=2 threshold=1000 cmap=rdbu\n", Gallery.text(d));
        assertEquals(6, Html.count(Gallery.html(d), "tr"));
        assertEquals("Display options: rows=5 cols=3 precision=2 threshold=1000 cmap=rdbu\n",
                Gallery.text(DisplayMagic.line(List.of(), o)));
        DisplayMagic.line(tokens("reset"), o);
        assertEquals(DisplayOptions.DEFAULT_EDGE_ITEMS, o.rows());
        assertEquals(ColorMap.VIRIDIS, o.cmap());
        Gallery.save("display", d);
    }

    @Test
    void oneBadValueChangesNothing() {
        DisplayOptions o = new DisplayOptions();
        MagicArgumentException e = assertThrows(MagicArgumentException.class,
                () -> DisplayMagic.line(tokens("rows=5 precision=99"), o));
        assertEquals("%display: Display option precision=99 is out of range: precision (fractional digits) must be between"
                + " 0 and 17.", e.getMessage());
        assertEquals(DisplayOptions.DEFAULT_EDGE_ITEMS, o.rows());
        assertEquals(DisplayOptions.DEFAULT_PRECISION, o.precision());
    }

    @Test
    void errors() {
        DisplayOptions o = new DisplayOptions();
        assertEquals("%display: Unknown colour map 'jet'. Accepted: viridis, gray, blues, rdbu (rdbu: negative blue, zero"
                + " white, positive red).", assertThrows(MagicArgumentException.class,
                        () -> DisplayMagic.line(tokens("cmap=jet"), o)).getMessage());
        assertEquals("%display: Display option rows='many' is not a whole number; write e.g. rows=4.",
                assertThrows(MagicArgumentException.class, () -> DisplayMagic.line(tokens("rows=many"), o)).getMessage());
        assertEquals("%display: Unknown argument 'precison'. Did you mean 'precision'? Accepted: rows, cols, precision,"
                + " threshold, cmap, and 1 word (reset).",
                assertThrows(MagicArgumentException.class, () -> DisplayMagic.line(tokens("precison=2"), o)).getMessage());
        assertEquals("%display: Unknown argument 'clear'. Accepted: rows, cols, precision, threshold, cmap (as key=value),"
                + " reset, or nothing to show the options.",
                assertThrows(MagicArgumentException.class, () -> DisplayMagic.line(tokens("clear"), o)).getMessage());
        assertEquals("%display: 'reset' restores every default, so it takes no other options. Run %display reset, then"
                + " %display with the options to change.",
                assertThrows(MagicArgumentException.class, () -> DisplayMagic.line(tokens("reset rows=2"), o)).getMessage());
        assertEquals(new DisplayOptions().toString(), o.toString());
    }

    @Test
    void help() {
        String help = Gallery.text(DisplayMagic.line(tokens("--help"), new DisplayOptions()));
        assertTrue(help.contains("cmap=viridis    heatmap colour map: viridis, gray, blues, rdbu"), help);
        assertTrue(help.contains("%display precision=2 cmap=rdbu"), help);
    }
}
