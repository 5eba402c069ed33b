package io.convnb.shape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PaddingTest {
    private static final String ACCEPTED = ". Accepted: \"valid\", \"same\", \"full\", \"causal\" (Conv1D only),"
            + " in any case, or explicit amounts such as padding(1, 1) or padding(top, bottom, left, right).";

    @Test
    void parsesKerasNamesInAnyCase() {
        assertEquals(Padding.VALID, Padding.of("valid"));
        assertEquals(Padding.SAME, Padding.of("SAME"));
        assertEquals(Padding.FULL, Padding.of(" Full "));
        assertEquals(Padding.CAUSAL, Padding.of("causal"));
        for (Padding p : Padding.values()) {
            if (p != Padding.EXPLICIT) {
                assertEquals(p, Padding.of(p.kerasName()));
            }
        }
        assertEquals("explicit", Padding.EXPLICIT.kerasName());
    }

    @Test
    void rejectsOtherNamesListingTheAcceptedForms() {
        assertEquals("Unknown padding \"samee\"" + ACCEPTED,
                assertThrows(IllegalArgumentException.class, () -> Padding.of("samee")).getMessage());
        assertEquals("Unknown padding \"explicit\"" + ACCEPTED,
                assertThrows(IllegalArgumentException.class, () -> Padding.of("explicit")).getMessage());
        assertEquals("Unknown padding null" + ACCEPTED,
                assertThrows(IllegalArgumentException.class, () -> Padding.of(null)).getMessage());
    }
}
