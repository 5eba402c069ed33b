package io.convnb.kernel;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a magic's argument text into words the way IJava 1.3.0 (basekernel's {@code MagicParser})
 * does, so that a notebook's magic lines mean the same thing in both kernels.
 *
 * <p>Rules: spaces and tabs separate words; a double-quoted part keeps its spaces and may sit
 * inside a word ({@code title="a b"} is one word {@code title=a b}); {@code \"} is a literal quote
 * and {@code \\} a literal backslash, inside or outside quotes; any other backslash is kept as
 * written (so Windows paths survive). Unlike basekernel, an empty pair of quotes gives an empty
 * word and an unterminated quote is an error instead of being silently closed. Single quotes are
 * ordinary characters, as in IJava.
 */
public final class ShellWords {
    private ShellWords() {
    }

    /**
     * Splits {@code text} into words.
     *
     * @throws IllegalArgumentException if a double quote is not closed
     */
    public static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;      // true once the current word has started, even if still empty ("")
        boolean inQuotes = false;
        int quoteStart = -1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\\')) {
                word.append(text.charAt(++i));
                inWord = true;
            } else if (c == '"') {
                inQuotes = !inQuotes;
                quoteStart = i;
                inWord = true;
            } else if ((c == ' ' || c == '\t') && !inQuotes) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inQuotes) {
            throw new IllegalArgumentException("Unterminated double quote at column " + (quoteStart + 1)
                    + " in magic arguments: " + text + "\nClose the quote, or write \\\" for a literal quote.");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }
}
