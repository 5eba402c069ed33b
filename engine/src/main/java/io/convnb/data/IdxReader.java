package io.convnb.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the format of MNIST and Fashion-MNIST), plain or gzip-compressed.
 *
 * <p>Layout: a 4-byte magic number {@code 0x00 0x00 type ndims}, then {@code ndims} big-endian
 * 32-bit dimensions, then {@code product(dims) * sizeof(type)} big-endian data bytes. Compression is
 * detected from the gzip magic bytes {@code 0x1F 0x8B}, not from the file name.
 */
public final class IdxReader {
    private static final int GZIP_MAGIC_0 = 0x1F;
    private static final int GZIP_MAGIC_1 = 0x8B;

    private IdxReader() {
    }

    /**
     * Reads a whole IDX file.
     *
     * @throws IdxFormatException (an {@link IllegalArgumentException}) naming the file, the expected
     *         and the actual value: wrong magic number, unsupported type code, bad dimensions, truncated
     *         file or bytes after the data
     * @throws IllegalArgumentException when the file does not exist
     * @throws UncheckedIOException on other I/O errors
     */
    public static IdxArray read(Path file) {
        return parse(readDecompressed(file), file.toString());
    }

    /** Parses the bytes of an IDX file; {@code source} names it in error messages. */
    static IdxArray parse(byte[] bytes, String source) {
        if (bytes.length < 4) {
            throw new IdxFormatException("IDX file " + source + " is truncated: the 4-byte magic number needs 4 bytes, found "
                    + bytes.length);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
        int magic = in.getInt(0);
        if (bytes[0] != 0 || bytes[1] != 0) {
            throw new IdxFormatException(String.format("IDX file %s has wrong magic number 0x%08X: expected 0x0000TTDD "
                    + "(two zero bytes, a type code TT, the number of dimensions DD), e.g. 0x00000803 for MNIST images; "
                    + "is this an IDX file?", source, magic));
        }
        IdxType type;
        try {
            type = IdxType.fromCode(bytes[2] & 0xFF);
        } catch (IllegalArgumentException e) {
            throw new IdxFormatException("IDX file " + source + " (magic " + String.format("0x%08X", magic) + "): "
                    + e.getMessage());
        }
        int ndims = bytes[3] & 0xFF;
        if (ndims == 0) {
            throw new IdxFormatException("IDX file " + source + " declares 0 dimensions in its magic number "
                    + String.format("0x%08X", magic) + "; an IDX file has at least 1");
        }
        int header = 4 + 4 * ndims;
        if (bytes.length < header) {
            throw new IdxFormatException("IDX file " + source + " is truncated: the header of " + ndims
                    + " dimensions needs " + header + " bytes, found " + bytes.length);
        }
        int[] dims = new int[ndims];
        long dataBytes = type.bytes();
        for (int d = 0; d < ndims; d++) {
            dims[d] = in.getInt(4 + 4 * d);
            if (dims[d] < 0) {
                throw new IdxFormatException("IDX file " + source + " has a negative dimension " + d + ": "
                        + dims[d] + " (read as a signed big-endian int)");
            }
            dataBytes *= dims[d];
            if (dataBytes > Integer.MAX_VALUE - 16L) {
                throw new IdxFormatException("IDX file " + source + " declares more than 2 GiB of data; dims so far "
                        + IdxArray.shapeString(java.util.Arrays.copyOf(dims, d + 1)) + " of " + type.name().toLowerCase());
            }
        }
        long actual = bytes.length - header;
        if (actual != dataBytes) {
            String what = actual < dataBytes ? "is truncated" : "has " + (actual - dataBytes) + " extra bytes after the data";
            throw new IdxFormatException("IDX file " + source + " " + what + ": dims " + IdxArray.shapeString(dims)
                    + " of " + type.name().toLowerCase() + " (" + type.bytes() + " byte(s) each) need " + dataBytes
                    + " data bytes after the " + header + "-byte header, found " + actual);
        }
        return new IdxArray(type, dims, bytes, header);
    }

    /** The file's bytes, gunzipped when they start with the gzip magic bytes. */
    static byte[] readDecompressed(Path file) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 == GZIP_MAGIC_0 && b1 == GZIP_MAGIC_1) {
                try (InputStream gz = new GZIPInputStream(raw, 1 << 16)) {
                    return gz.readAllBytes();
                } catch (java.io.EOFException | ZipException e) {
                    throw new IdxFormatException("gzip file " + file + " is truncated or corrupt (" + e.getMessage()
                            + "); download or install it again");
                }
            }
            return raw.readAllBytes();
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("IDX file " + file + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read IDX file " + file, e);
        }
    }
}
