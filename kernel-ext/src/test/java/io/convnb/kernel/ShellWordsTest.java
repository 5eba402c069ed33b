package io.convnb.kernel;

import io.github.spencerpark.jupyter.kernel.magic.MagicParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShellWordsTest {
    /** Gives the test access to basekernel's splitter, the one IJava 1.3.0 uses. */
    static final class IJavaSplitter extends MagicParser {
        static List<String> ijavaSplit(String s) {
            return MagicParser.split(s);
        }
    }

    @Test
    void spacesAndTabsSeparateWords() {
        assertEquals(List.of("input=28x28", "kernel=3", "stride=2"), ShellWords.split("  input=28x28 \t kernel=3   stride=2 "));
    }

    @Test
    void doubleQuotesKeepSpacesAndMayStartMidWord() {
        assertEquals(List.of("a b", "c"), ShellWords.split("\"a b\" c"));
        assertEquals(List.of("title=Loss and accuracy", "x"), ShellWords.split("title=\"Loss and accuracy\" x"));
        assertEquals(List.of("abcd"), ShellWords.split("ab\"c\"d"));
    }

    @Test
    void backslashEscapesQuoteAndBackslashOnly() {
        assertEquals(List.of("say", "\"hi\""), ShellWords.split("say \\\"hi\\\""));
        assertEquals(List.of("a\\b"), ShellWords.split("a\\\\b"));
        assertEquals(List.of("C:\\data\\mnist"), ShellWords.split("C:\\data\\mnist"));
        assertEquals(List.of("in \"quotes\" too"), ShellWords.split("\"in \\\"quotes\\\" too\""));
    }

    @Test
    void emptyQuotesGiveAnEmptyWord() {
        assertEquals(List.of("", "x"), ShellWords.split("\"\" x"));
        assertEquals(List.of(), ShellWords.split("   "));
    }

    @Test
    void singleQuotesAreOrdinaryCharactersAsInIJava() {
        assertEquals(List.of("'a", "b'"), ShellWords.split("'a b'"));
    }

    @Test
    void unterminatedQuoteIsAnErrorNamingTheColumnAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShellWords.split("n=3 \"open end"));
        assertEquals("Unterminated double quote at column 5 in magic arguments: n=3 \"open end\n"
                + "Close the quote, or write \\\" for a literal quote.", e.getMessage());
    }

    /** On ordinary arguments the split must equal IJava's, so notebooks mean the same in both kernels. */
    @ParameterizedTest
    @ValueSource(strings = {
            "fashion-mnist split=train n=16",
            "input=28x28 kernel=3 stride=2 padding=same dilation=1",
            "padding=1,0,2,1 kernel=3x5 transposed",
            "\"two words\" three",
            "title=\"a b c\" rows=5",
            "say \\\"quoted\\\"",
            "\ttabs\tand  spaces ",
            "--help",
    })
    void agreesWithIJavaOnOrdinaryArguments(String args) {
        List<String> ijava = IJavaSplitter.ijavaSplit(args);
        assertTrue(!ijava.isEmpty());
        assertEquals(ijava, ShellWords.split(args));
    }
}
