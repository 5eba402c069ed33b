package io.convnb.display;

import java.util.List;

/** Aligns rows of strings into columns separated by two spaces, for {@code text/plain} forms. */
final class TextTable {

    private TextTable() {
    }

    /** Right-aligns every column (numbers line up) when {@code right}, else left-aligns; trailing spaces trimmed. */
    static String align(List<String[]> rows, boolean right) {
        int n = 0;
        for (String[] r : rows) {
            n = Math.max(n, r.length);
        }
        int[] width = new int[n];
        for (String[] r : rows) {
            for (int j = 0; j < r.length; j++) {
                width[j] = Math.max(width[j], r[j].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < rows.size(); i++) {
            String[] r = rows.get(i);
            StringBuilder line = new StringBuilder();
            for (int j = 0; j < r.length; j++) {
                if (j > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[j] - r[j].length());
                line.append(right ? pad + r[j] : r[j] + pad);
            }
            b.append(line.toString().stripTrailing());
            if (i < rows.size() - 1) {
                b.append('\n');
            }
        }
        return b.toString();
    }
}
