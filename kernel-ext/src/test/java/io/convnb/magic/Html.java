package io.convnb.magic;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Document;

/** Parses a magic's HTML fragment as XML, which fails on unclosed tags and bare ampersands. */
final class Html {
    private Html() {
    }

    static Document parse(String fragment) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(("<root>" + fragment + "</root>")
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("HTML is not well-formed: " + e.getMessage() + "\n" + fragment, e);
        }
    }

    /** How many elements of this tag name the fragment has. */
    static int count(String fragment, String tag) {
        return parse(fragment).getElementsByTagName(tag).getLength();
    }
}
