package io.convnb.data;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types of the IDX format (the third byte of the magic number). All multi-byte values
 * are big-endian, as in the original MNIST files.
 */
public enum IdxType {
    /** {@code 0x08}: unsigned byte, 0..255 (MNIST and Fashion-MNIST images and labels). */
    UBYTE(0x08, 1),
    /** {@code 0x09}: signed byte. */
    BYTE(0x09, 1),
    /** {@code 0x0B}: 16-bit signed integer. */
    SHORT(0x0B, 2),
    /** {@code 0x0C}: 32-bit signed integer. */
    INT(0x0C, 4),
    /** {@code 0x0D}: 32-bit IEEE float. */
    FLOAT(0x0D, 4),
    /** {@code 0x0E}: 64-bit IEEE double. */
    DOUBLE(0x0E, 8);

    private final int code;
    private final int bytes;

    IdxType(int code, int bytes) {
        this.code = code;
        this.bytes = bytes;
    }

    /** The type code stored in the magic number. */
    public int code() {
        return code;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /**
     * The type with the given code.
     *
     * @throws IllegalArgumentException naming the code and the supported codes
     */
    public static IdxType fromCode(int code) {
        for (IdxType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new IllegalArgumentException(String.format("unsupported IDX dtype code 0x%02X; supported: %s",
                code, supportedCodes()));
    }

    static String supportedCodes() {
        return Arrays.stream(values()).map(t -> String.format("0x%02X (%s)", t.code, t.name().toLowerCase()))
                .collect(Collectors.joining(", "));
    }
}
