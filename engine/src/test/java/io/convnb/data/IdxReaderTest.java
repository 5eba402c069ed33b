package io.convnb.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An IDX file written by hand with DataOutputStream (big-endian), independent of IdxWriter. */
    private Path writeRaw(String name, boolean gzip, int typeCode, int[] dims, IoConsumer body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeByte(0);
        out.writeByte(0);
        out.writeByte(typeCode);
        out.writeByte(dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        body.accept(out);
        out.flush();
        return writeBytes(name, gzip, bytes.toByteArray());
    }

    private Path writeBytes(String name, boolean gzip, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream os = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            os.write(content);
        }
        return file;
    }

    interface IoConsumer {
        void accept(DataOutputStream out) throws IOException;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsUnsignedBytesPlainAndGzip(boolean gzip) throws IOException {
        // the name says nothing about compression: detection is by magic bytes
        Path f = writeRaw("images.idx", gzip, 0x08, new int[] {2, 2, 3}, out -> {
            for (int v : new int[] {0, 1, 2, 127, 128, 255, 10, 20, 30, 40, 50, 254}) {
                out.writeByte(v);
            }
        });
        IdxArray a = IdxReader.read(f);
        assertEquals(IdxType.UBYTE, a.type());
        assertArrayEquals(new int[] {2, 2, 3}, a.dims());
        assertEquals(2, a.count());
        assertArrayEquals(new int[] {0, 1, 2, 127, 128, 255, 10, 20, 30, 40, 50, 254}, a.toInts());
        float[] f255 = a.toFloats(255f);
        assertEquals(128 / 255f, f255[4]);
        assertEquals(1f, f255[5]);
        assertEquals(254.0, a.get(11));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readsIntsAndFloats(boolean gzip) throws IOException {
        int[] ints = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 70000, 5};
        Path fi = writeRaw("ints", gzip, 0x0C, new int[] {3, 2}, out -> {
            for (int v : ints) {
                out.writeInt(v);
            }
        });
        IdxArray ai = IdxReader.read(fi);
        assertEquals(IdxType.INT, ai.type());
        assertArrayEquals(ints, ai.toInts());

        float[] floats = {0f, -1.5f, 3.25e-8f, Float.MAX_VALUE, 0.1f};
        Path ff = writeRaw("floats", gzip, 0x0D, new int[] {5}, out -> {
            for (float v : floats) {
                out.writeFloat(v);
            }
        });
        IdxArray af = IdxReader.read(ff);
        assertEquals(IdxType.FLOAT, af.type());
        assertArrayEquals(floats, af.toFloats(1f));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, af::toInts);
        assertTrue(e.getMessage().contains("FLOAT cannot be read as integers"), e.getMessage());
    }

    @Test
    void readsShortsSignedBytesAndDoubles() throws IOException {
        Path fs = writeRaw("shorts", false, 0x0B, new int[] {3}, out -> {
            out.writeShort(-2);
            out.writeShort(300);
            out.writeShort(Short.MAX_VALUE);
        });
        assertArrayEquals(new int[] {-2, 300, 32767}, IdxReader.read(fs).toInts());
        Path fb = writeRaw("bytes", false, 0x09, new int[] {2}, out -> {
            out.writeByte(-3);
            out.writeByte(100);
        });
        assertArrayEquals(new int[] {-3, 100}, IdxReader.read(fb).toInts());
        Path fd = writeRaw("doubles", true, 0x0E, new int[] {2}, out -> {
            out.writeDouble(0.5);
            out.writeDouble(-1e300);
        });
        IdxArray d = IdxReader.read(fd);
        assertEquals(-1e300, d.get(1));
        assertArrayEquals(new float[] {0.25f, Float.NEGATIVE_INFINITY}, d.toFloats(2f));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void writerRoundTripsEveryFactory(boolean gzip) {
        IdxArray bytes = IdxArray.ofUnsignedBytes(new int[] {2, 3}, new byte[] {0, 1, (byte) 200, 3, 4, (byte) 255});
        IdxArray ints = IdxArray.ofInts(new int[] {2, 2}, new int[] {-7, 8, 1 << 20, 0});
        IdxArray floats = IdxArray.ofFloats(new int[] {1, 3}, new float[] {1.5f, -0f, 7e-3f});
        for (IdxArray a : List.of(bytes, ints, floats)) {
            Path f = dir.resolve("rt-" + a.type() + (gzip ? ".gz" : ""));
            IdxWriter.write(f, a, gzip);
            IdxArray back = IdxReader.read(f);
            assertEquals(a.type(), back.type());
            assertArrayEquals(a.dims(), back.dims());
            assertArrayEquals(a.payload(), back.payload());
        }
        assertArrayEquals(new int[] {0, 1, 200, 3, 4, 255}, IdxReader.read(dir.resolve("rt-UBYTE" + (gzip ? ".gz" : ""))).toInts());
    }

    @Test
    void writerOutputIsTheDocumentedLayout() throws IOException {
        Path f = dir.resolve("layout");
        IdxWriter.write(f, IdxArray.ofInts(new int[] {1, 2}, new int[] {258, -1}), false);
        byte[] expected = {0, 0, 0x0C, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 2, -1, -1, -1, -1};
        assertArrayEquals(expected, Files.readAllBytes(f));
    }

    @Test
    void wrongMagicNumberNamesFileAndValue() throws IOException {
        Path f = writeBytes("notidx", false, new byte[] {0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("wrong magic number 0x504B0304"), e.getMessage());
        assertTrue(e.getMessage().contains("expected 0x0000TTDD"), e.getMessage());
    }

    @Test
    void unsupportedTypeCodeListsSupportedOnes() throws IOException {
        Path f = writeRaw("badtype", true, 0x0A, new int[] {1}, out -> out.writeByte(1));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("unsupported IDX dtype code 0x0A"), e.getMessage());
        assertTrue(e.getMessage().contains("0x08 (ubyte)") && e.getMessage().contains("0x0D (float)"), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000A01"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void truncatedDataGivesExpectedAndActualBytes(boolean gzip) throws IOException {
        Path f = writeRaw("trunc", gzip, 0x08, new int[] {3, 28, 28}, out -> out.write(new byte[2000]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertEquals("IDX file " + f + " is truncated: dims (3, 28, 28) of ubyte (1 byte(s) each) need 2352 data bytes"
                + " after the 16-byte header, found 2000", e.getMessage());
    }

    @Test
    void truncatedHeaderAndMagic() throws IOException {
        Path f = writeBytes("short", false, new byte[] {0, 0, 8, 3, 0, 0, 0, 1, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("header of 3 dimensions needs 16 bytes, found 9"), e.getMessage());
        Path g = writeBytes("tiny", false, new byte[] {0, 0});
        e = assertThrows(IdxFormatException.class, () -> IdxReader.read(g));
        assertTrue(e.getMessage().contains("magic number needs 4 bytes, found 2"), e.getMessage());
    }

    @Test
    void extraBytesAfterTheData() throws IOException {
        Path f = writeRaw("extra", false, 0x08, new int[] {2}, out -> out.write(new byte[5]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().contains("has 3 extra bytes after the data: dims (2) of ubyte"), e.getMessage());
        assertTrue(e.getMessage().contains("need 2 data bytes after the 8-byte header, found 5"), e.getMessage());
    }

    @Test
    void badDimensions() throws IOException {
        Path zero = writeBytes("zerodims", false, new byte[] {0, 0, 8, 0});
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(zero));
        assertTrue(e.getMessage().contains("declares 0 dimensions"), e.getMessage());
        Path neg = writeRaw("negdim", false, 0x08, new int[] {2, -5}, out -> { });
        e = assertThrows(IdxFormatException.class, () -> IdxReader.read(neg));
        assertTrue(e.getMessage().contains("negative dimension 1: -5"), e.getMessage());
        Path huge = writeRaw("huge", false, 0x0C, new int[] {1 << 16, 1 << 16}, out -> { });
        e = assertThrows(IdxFormatException.class, () -> IdxReader.read(huge));
        assertTrue(e.getMessage().contains("more than 2 GiB") && e.getMessage().contains("(65536, 65536) of int"), e.getMessage());
    }

    @Test
    void truncatedGzipStream() throws IOException {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            byte[] content = new byte[10_000];
            Arrays.fill(content, (byte) 7);
            content[0] = 0;
            content[1] = 0;
            out.write(content);
        }
        byte[] all = gz.toByteArray();
        Path f = writeBytes("cut.gz", false, Arrays.copyOf(all, all.length / 2));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> IdxReader.read(f));
        assertTrue(e.getMessage().startsWith("gzip file " + f + " is truncated or corrupt"), e.getMessage());
    }

    @Test
    void missingFile() {
        Path f = dir.resolve("nope.gz");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IdxReader.read(f));
        assertEquals("IDX file " + f + " does not exist", e.getMessage());
    }

    @Test
    void imageLabelCountMismatchNamesBothFiles() {
        Path images = dir.resolve("img.gz");
        Path labels = dir.resolve("lab.gz");
        IdxWriter.write(images, IdxArray.ofUnsignedBytes(new int[] {3, 2, 2}, new byte[12]), true);
        IdxWriter.write(labels, IdxArray.ofUnsignedBytes(new int[] {2}, new byte[] {1, 0}), true);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> Datasets.fromIdx("toy", images, labels, List.of("a", "b")));
        assertEquals("'toy': image file " + images + " holds 3 images but label file " + labels + " holds 2 labels;"
                + " they must hold the same number (are they from the same set, train or t10k?)", e.getMessage());
    }

    @Test
    void labelOutOfRangeAndWrongImageType() {
        Path images = dir.resolve("img");
        Path labels = dir.resolve("lab");
        IdxWriter.write(images, IdxArray.ofUnsignedBytes(new int[] {2, 1, 1}, new byte[] {0, (byte) 255}), false);
        IdxWriter.write(labels, IdxArray.ofUnsignedBytes(new int[] {2}, new byte[] {1, 2}), false);
        IdxFormatException e = assertThrows(IdxFormatException.class,
                () -> Datasets.fromIdx("toy", images, labels, List.of("a", "b")));
        assertTrue(e.getMessage().contains("label 1 is 2, expected 0..1 for classes [a, b]"), e.getMessage());

        Path floats = dir.resolve("fimg");
        IdxWriter.write(floats, IdxArray.ofFloats(new int[] {2, 1, 1}, new float[] {0f, 1f}), false);
        e = assertThrows(IdxFormatException.class, () -> Datasets.fromIdx("toy", floats, labels, List.of("a", "b")));
        assertTrue(e.getMessage().contains("holds IdxArray[float (2, 1, 1)], expected unsigned bytes"), e.getMessage());
    }

    @Test
    void fromIdxScalesPixelsAndBuildsOneHot() {
        Path images = dir.resolve("img");
        Path labels = dir.resolve("lab");
        IdxWriter.write(images, IdxArray.ofUnsignedBytes(new int[] {2, 1, 2}, new byte[] {0, 51, (byte) 255, 102}), false);
        IdxWriter.write(labels, IdxArray.ofUnsignedBytes(new int[] {2}, new byte[] {2, 0}), false);
        Dataset d = Datasets.fromIdx("toy", images, labels, List.of("a", "b", "c"));
        assertArrayEquals(new long[] {2, 1, 2, 1}, d.features().shape());
        assertEquals(51 / 255.0, d.features().getFloat(0, 0, 1, 0), 1e-7);
        assertEquals(1f, d.features().getFloat(1, 0, 0, 0));
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0}, d.labels().dup().data().asFloat());
        assertArrayEquals(new int[] {2, 0}, d.labelIndices());
    }
}
