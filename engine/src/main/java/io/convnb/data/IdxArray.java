package io.convnb.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The content of one IDX file: an element type, the dimensions and the big-endian payload bytes.
 * Immutable: accessors decode on demand and return fresh arrays.
 */
public final class IdxArray {
    private final IdxType type;
    private final int[] dims;
    private final byte[] payload;
    private final int start;     // first payload byte within the array (the reader keeps the header in front)

    /**
     * Wraps a payload of {@code product(dims) * type.bytes()} big-endian bytes.
     *
     * @throws IllegalArgumentException when the payload length does not match the dimensions
     */
    public IdxArray(IdxType type, int[] dims, byte[] payload) {
        this(type, dims, payload, 0);
    }

    /** Wraps {@code bytes[start ..]} without copying: the reader passes the whole file. */
    IdxArray(IdxType type, int[] dims, byte[] bytes, int start) {
        this.type = type;
        this.dims = dims.clone();
        long expected = elementCount(this.dims) * type.bytes();
        if (expected != bytes.length - start) {
            throw new IllegalArgumentException("IDX payload has " + (bytes.length - start) + " bytes but dims "
                    + shapeString(this.dims) + " of " + type + " need " + expected + " bytes");
        }
        this.payload = bytes;
        this.start = start;
    }

    /** Unsigned bytes (type {@link IdxType#UBYTE}) with the given dimensions; values are taken mod 256. */
    public static IdxArray ofUnsignedBytes(int[] dims, byte[] values) {
        return new IdxArray(IdxType.UBYTE, dims, values.clone());
    }

    /** 32-bit integers with the given dimensions. */
    public static IdxArray ofInts(int[] dims, int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.BIG_ENDIAN);
        b.asIntBuffer().put(values);
        return new IdxArray(IdxType.INT, dims, b.array());
    }

    /** 32-bit floats with the given dimensions. */
    public static IdxArray ofFloats(int[] dims, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.BIG_ENDIAN);
        b.asFloatBuffer().put(values);
        return new IdxArray(IdxType.FLOAT, dims, b.array());
    }

    public IdxType type() {
        return type;
    }

    /** The dimensions, outermost first (for image files: count, rows, columns). */
    public int[] dims() {
        return dims.clone();
    }

    /** The number of items: the first dimension. */
    public int count() {
        return dims.length == 0 ? 1 : dims[0];
    }

    /** The number of elements: the product of the dimensions. */
    public long elementCount() {
        return elementCount(dims);
    }

    /** A copy of the raw big-endian payload (no header). */
    public byte[] payload() {
        return Arrays.copyOfRange(payload, start, payload.length);
    }

    /** Element {@code i} (row-major) as a double, whatever the type. */
    public double get(long i) {
        int at = start + Math.toIntExact(i * type.bytes());
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN);
        return switch (type) {
            case UBYTE -> payload[at] & 0xFF;
            case BYTE -> payload[at];
            case SHORT -> b.getShort(at);
            case INT -> b.getInt(at);
            case FLOAT -> b.getFloat(at);
            case DOUBLE -> b.getDouble(at);
        };
    }

    /**
     * All elements as ints (for label files).
     *
     * @throws IllegalArgumentException for FLOAT and DOUBLE files
     */
    public int[] toInts() {
        int n = Math.toIntExact(elementCount());
        int[] out = new int[n];
        switch (type) {
            case UBYTE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = payload[start + i] & 0xFF;
                }
            }
            case BYTE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = payload[start + i];
                }
            }
            case SHORT -> {
                ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(start + 2 * i);
                }
            }
            case INT -> ByteBuffer.wrap(payload, start, n * 4).slice().order(ByteOrder.BIG_ENDIAN).asIntBuffer().get(out);
            default -> throw new IllegalArgumentException("IDX array of type " + type
                    + " cannot be read as integers; use toFloats()");
        }
        return out;
    }

    /**
     * All elements as floats, each divided by {@code divisor}: {@code out[i] = value[i] / divisor}
     * (use 255 to map unsigned bytes to [0, 1] as Keras' {@code x / 255.0} does, 1 to keep the values).
     * Bytes are decoded through a 256-entry table, so 60,000 MNIST images take tens of milliseconds.
     */
    public float[] toFloats(float divisor) {
        float[] out = new float[Math.toIntExact(elementCount())];
        decodeFloats(divisor, java.nio.FloatBuffer.wrap(out));
        return out;
    }

    /**
     * Writes {@code value[i] / divisor} for every element into {@code dst} at its position, in chunks, so
     * a native ND4J buffer is filled without a full-size float[] in between.
     */
    void decodeFloats(float divisor, java.nio.FloatBuffer dst) {
        int n = Math.toIntExact(elementCount());
        float[] chunk = new float[Math.min(n, 1 << 16)];
        float[] table = null;
        if (type == IdxType.UBYTE || type == IdxType.BYTE) {
            // 256-entry table: 60,000 MNIST images decode in tens of milliseconds
            table = new float[256];
            for (int v = 0; v < 256; v++) {
                table[v] = (type == IdxType.UBYTE ? v : (byte) v) / divisor;
            }
        }
        java.nio.FloatBuffer floats = type == IdxType.FLOAT
                ? ByteBuffer.wrap(payload, start, n * 4).slice().order(ByteOrder.BIG_ENDIAN).asFloatBuffer() : null;
        for (int from = 0; from < n; from += chunk.length) {
            int len = Math.min(chunk.length, n - from);
            if (table != null) {
                for (int i = 0; i < len; i++) {
                    chunk[i] = table[payload[start + from + i] & 0xFF];
                }
            } else if (floats != null) {
                floats.get(from, chunk, 0, len);
                if (divisor != 1f) {
                    for (int i = 0; i < len; i++) {
                        chunk[i] /= divisor;
                    }
                }
            } else {
                for (int i = 0; i < len; i++) {
                    chunk[i] = (float) (get(from + i) / divisor);
                }
            }
            dst.put(chunk, 0, len);
        }
    }

    @Override
    public String toString() {
        return "IdxArray[" + type.name().toLowerCase() + " " + shapeString(dims) + "]";
    }

    static long elementCount(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    static String shapeString(int[] dims) {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
    }
}
