package io.convnb.data;

/**
 * A file that is not a well-formed IDX file (or not a well-formed data file in general): wrong magic
 * number, unsupported type code, impossible dimensions, truncated or oversized payload, or images and
 * labels that do not match. The message names the file, what was expected and what was found.
 */
public class IdxFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public IdxFormatException(String message) {
        super(message);
    }
}
