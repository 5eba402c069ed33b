package io.convnb.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes IDX files in the layout {@link IdxReader} reads, optionally gzip-compressed. */
public final class IdxWriter {
    private IdxWriter() {
    }

    /** Writes {@code array} to {@code file}, replacing it; gzip-compressed when {@code gzip} is true. */
    public static void write(Path file, IdxArray array, boolean gzip) {
        int[] dims = array.dims();
        ByteBuffer header = ByteBuffer.allocate(4 + 4 * dims.length).order(ByteOrder.BIG_ENDIAN);
        header.put((byte) 0).put((byte) 0).put((byte) array.type().code()).put((byte) dims.length);
        for (int d : dims) {
            header.putInt(d);
        }
        try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             OutputStream out = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
            out.write(header.array());
            out.write(array.payload());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write IDX file " + file, e);
        }
    }
}
