package io.convnb.display;

/** HTML helpers shared by the table renderers. */
public final class Html {

    /** Table style: compact, monospace numbers, no JavaScript. */
    static final String TABLE_STYLE = "border-collapse:collapse;font-size:12px;";
    static final String CELL_STYLE = "padding:2px 6px;border:1px solid #ddd;text-align:right;font-family:monospace;";
    static final String HEAD_STYLE = "padding:2px 6px;border:1px solid #ddd;background:#f4f4f4;text-align:center;";
    static final String ELLIPSIS = "...";

    private Html() {
    }

    /**
     * Escapes text for element content and attribute values: {@code & < > " '} become numeric
     * or XML entities, so the output is also well-formed XML.
     */
    public static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters other than tab/newline are not allowed in XML; show them visibly.
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        b.append("\\u").append(String.format("%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    static void cell(StringBuilder b, String tag, String style, String text) {
        b.append('<').append(tag).append(" style=\"").append(style).append("\">")
                .append(escape(text)).append("</").append(tag).append('>');
    }
}
