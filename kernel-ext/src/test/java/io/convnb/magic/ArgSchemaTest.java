package io.convnb.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convnb.shape.Padding;

import java.util.List;

import org.junit.jupiter.api.Test;

class ArgSchemaTest {
    private static final ArgSchema SCHEMA = ArgSchema.of("%m", "input", "stride", "padding").withFlags("transposed")
            .withPositionals("name");

    @Test
    void splitsKeywordsFlagsAndWords() {
        ParsedArgs a = SCHEMA.parse(List.of("mnist", "stride=2", "transposed", "", "padding=1x2"));
        assertEquals(List.of("mnist"), a.words());
        assertTrue(a.flag("transposed"));
        assertEquals("2", a.raw("stride"));
        assertFalse(a.has("input"));
        assertFalse(a.help());
        assertEquals(new PaddingSpec(Padding.EXPLICIT, 1, 1, 2, 2), a.padding("padding", null));
        assertTrue(SCHEMA.parse(List.of("--help")).help());
        assertTrue(SCHEMA.parse(List.of("-h")).help());
    }

    @Test
    void paddingForms() {
        assertEquals(PaddingSpec.rule(Padding.SAME), PaddingSpec.parse("%m", "padding", "SAME"));
        assertEquals(new PaddingSpec(Padding.EXPLICIT, 3, 3, 3, 3), PaddingSpec.parse("%m", "padding", "3"));
        assertEquals(new PaddingSpec(Padding.EXPLICIT, 1, 0, 2, 1), PaddingSpec.parse("%m", "padding", "1,0,2,1"));
        assertEquals("1,0,2,1", PaddingSpec.parse("%m", "padding", "1,0,2,1").toString());
        assertEquals("%m: padding=1x2x3 is not valid: give one amount or two joined by 'x'. Accepted: " + PaddingSpec.FORMS + ".",
                assertThrows(MagicArgumentException.class, () -> PaddingSpec.parse("%m", "padding", "1x2x3")).getMessage());
    }

    @Test
    void typoSuggestions() {
        assertEquals("stride", ArgSchema.closest("strides", List.of("input", "stride", "padding")));
        assertEquals("padding", ArgSchema.closest("pading", List.of("input", "stride", "padding")));
        assertNull(ArgSchema.closest("foo", List.of("input", "stride", "padding")));
        assertEquals(3, ArgSchema.editDistance("kitten", "sitting"));
        assertEquals(0, ArgSchema.editDistance("same", "same"));
        assertEquals("%m: Unknown argument 'foo'. Accepted: input, stride, padding, transposed, and 1 word (name).",
                assertThrows(MagicArgumentException.class, () -> SCHEMA.parse(List.of("a", "foo"))).getMessage());
        assertEquals("%m takes no arguments but --help, received 'x'. Write just %m.",
                assertThrows(MagicArgumentException.class, () -> ArgSchema.of("%m").parse(List.of("x"))).getMessage());
    }

    @Test
    void typedReaders() {
        ParsedArgs a = ArgSchema.of("%m", "n", "split").parse(List.of("n=x", "split=Tst"));
        assertEquals("%m: n=x is not valid: it is not a whole number. Accepted: n=1.",
                assertThrows(MagicArgumentException.class, () -> a.integer("n", 1, 1)).getMessage());
        assertEquals("%m: split=Tst is not valid: it is not one of the choices (did you mean 'test'?). Accepted:"
                + " split=train, split=test.",
                assertThrows(MagicArgumentException.class, () -> a.choice("split", "train", List.of("train", "test"))).getMessage());
    }
}
