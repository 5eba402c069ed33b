package io.convnb.magic;

import io.convnb.shape.Padding;

import java.util.Locale;

/**
 * The {@code padding=} argument of a magic: a Keras rule ({@code valid}, {@code same}, {@code full})
 * or explicit amounts {@code (top, bottom, left, right)}.
 *
 * @param rule   the rule, or {@link Padding#EXPLICIT} for amounts
 * @param top    zeros above (explicit only, else 0)
 * @param bottom zeros below
 * @param left   zeros on the left
 * @param right  zeros on the right
 */
public record PaddingSpec(Padding rule, long top, long bottom, long left, long right) {

    /** Keras' default, {@code valid}. */
    public static final PaddingSpec VALID = new PaddingSpec(Padding.VALID, 0, 0, 0, 0);

    /** The accepted forms, for messages and help. */
    public static final String FORMS = "padding=valid, padding=same, padding=full, padding=1 (every side),"
            + " padding=1x2 (top/bottom x left/right) or padding=1,0,2,1 (top,bottom,left,right)";

    /** A rule without amounts. */
    public static PaddingSpec rule(Padding rule) {
        return new PaddingSpec(rule, 0, 0, 0, 0);
    }

    /** Whether the amounts are explicit. */
    public boolean explicit() {
        return rule == Padding.EXPLICIT;
    }

    /** As typed: {@code same}, or {@code 1,0,2,1} for explicit amounts. */
    @Override
    public String toString() {
        return explicit() ? top + "," + bottom + "," + left + "," + right : rule.kerasName();
    }

    static PaddingSpec parse(String magic, String key, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        switch (v) {
            case "valid": return rule(Padding.VALID);
            case "same": return rule(Padding.SAME);
            case "full": return rule(Padding.FULL);
            default: break;
        }
        String[] parts = v.contains(",") ? v.split(",", -1) : v.split("x", -1);
        long[] n = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                n[i] = Long.parseLong(parts[i].strip());
            } catch (NumberFormatException e) {
                throw MagicArgumentException.invalid(magic, key, value, parts.length == 1
                        ? "it is neither a padding rule nor a number" : "'" + parts[i] + "' is not a whole number",
                        FORMS.replace("padding=", key + "="));
            }
            if (n[i] < 0) {
                throw MagicArgumentException.invalid(magic, key, value, "padding amounts must be >= 0",
                        FORMS.replace("padding=", key + "="));
            }
        }
        boolean commas = v.contains(",");
        if (parts.length == 1) {
            return new PaddingSpec(Padding.EXPLICIT, n[0], n[0], n[0], n[0]);
        }
        if (parts.length == 2 && !commas) {
            return new PaddingSpec(Padding.EXPLICIT, n[0], n[0], n[1], n[1]);
        }
        if (parts.length == 4 && commas) {
            return new PaddingSpec(Padding.EXPLICIT, n[0], n[1], n[2], n[3]);
        }
        throw MagicArgumentException.invalid(magic, key, value, commas
                ? "comma-separated padding needs four amounts (top,bottom,left,right)"
                : "give one amount or two joined by 'x'", FORMS.replace("padding=", key + "="));
    }
}
