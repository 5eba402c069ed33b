package io.convnb.kernel;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class MagicSyntaxTest {
    @Test
    void cellMagicTakesFirstLineAsCallAndTheRestAsBody() {
        MagicSyntax.CellMagicCall call = MagicSyntax.parseCellMagic("%%conv stride=1 padding=valid\n1 2 3\n4 5 6\n\nsobel_x\n");
        assertEquals("conv", call.name());
        assertEquals(List.of("stride=1", "padding=valid"), call.args());
        assertEquals("1 2 3\n4 5 6\n\nsobel_x", call.body());
    }

    @Test
    void cellMagicWithoutBodyHasEmptyBody() {
        MagicSyntax.CellMagicCall call = MagicSyntax.parseCellMagic("%%convmath input=28x28");
        assertEquals(new MagicSyntax.CellMagicCall("convmath", List.of("input=28x28"), ""), call);
    }

    @Test
    void percentPercentOnlyCountsOnTheFirstLine() {
        assertNull(MagicSyntax.parseCellMagic("int x = 1;\n%%conv\n1 2"));
        assertNull(MagicSyntax.parseCellMagic("%% conv"));
        assertEquals("conv", MagicSyntax.parseCellMagic("\n  \n%%conv\n1").name());
    }

    @Test
    void lineMagicParsing() {
        assertEquals(new MagicSyntax.LineMagicCall("dataset", List.of("mnist", "n=16")), MagicSyntax.parseLineMagic("  %dataset mnist n=16"));
        assertNull(MagicSyntax.parseLineMagic("int r = 7 % 3;"));
        assertNull(MagicSyntax.parseLineMagic("% dataset"));
    }

    @Test
    void lineMagicsBecomeCallsOnTheSameLine() {
        String cell = "int a = 1;\n%convmath input=28 kernel=3\n  %display rows=5\nint b = a % 2;\nb %= 3;";
        assertEquals("int a = 1;\n"
                + "io.convnb.kernel.MagicCalls.line(\"convmath\", \"input=28\", \"kernel=3\");{};\n"
                + "  io.convnb.kernel.MagicCalls.line(\"display\", \"rows=5\");{};\n"
                + "int b = a % 2;\nb %= 3;", MagicSyntax.toJava(cell));
    }

    @Test
    void lineMagicAfterAssignmentYieldsItsValue() {
        assertEquals("var files = io.convnb.kernel.MagicCalls.line(\"jars\", \"lib/*.jar\");{};",
                MagicSyntax.toJava("var files = %jars lib/*.jar"));
    }

    @Test
    void percentInsideStringLiteralIsLeftAlone() {
        String cell = "String s = \"a=%b\";\nString t = \"x\" + \"=%y\";";
        assertEquals(cell, MagicSyntax.toJava(cell));
    }

    @Test
    void cellMagicBecomesOneCallWithEscapedBody() {
        String java = MagicSyntax.toJava("%%conv stride=\"1\"\n1 \"2\"\n3 \\ 4\n");
        assertEquals("io.convnb.kernel.MagicCalls.cell(\"conv\", \"1 \\\"2\\\"\\n3 \\\\ 4\", \"stride=1\");{};", java);
        assertEquals(1, java.lines().count());
    }

    @Test
    void javaStringEscapesEverythingThatWouldBreakALiteral() {
        assertEquals("\"tab\\there\\nnew \\\"q\\\" \\\\u0041 \\u0001\"", MagicSyntax.javaString("tab\there\nnew \"q\" \\u0041 \u0001"));
    }

    @Test
    void blankingOutKeepsPositions() {
        String cell = "%convnb_version\nMath.ab";
        String blanked = MagicSyntax.blankOutMagics(cell);
        assertEquals(cell.length(), blanked.length());
        assertEquals(" ".repeat(15) + "\nMath.ab", blanked);
        assertEquals(" ".repeat(9), MagicSyntax.blankOutMagics("%%conv\n12"));
    }
}
