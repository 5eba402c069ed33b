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

    /**
     * Wraps a payload of {@code product(dims) * type.bytes()} big-endian bytes.
     *
     * @throws IllegalArgumentException when the payload length does not match the dimensions
     */
    public IdxArray(IdxType type, int[] dims, byte[] payload) {
        this.type = type;
        this.dims = dims.clone();
        long expected = elementCount(this.dims) * type.bytes();
        if (expected != payload.length) {
            throw new IllegalArgumentException("IDX payload has " + payload.length + " bytes but dims "
                    + shapeString(this.dims) + " of " + type + " need " + expected + " bytes");
        }
        this.payload = payload;
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
        return payload.clone();
    }

    /** Element {@code i} (row-major) as a double, whatever the type. */
    public double get(long i) {
        int at = Math.toIntExact(i * type.bytes());
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
                    out[i] = payload[i] & 0xFF;
                }
            }
            case BYTE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = payload[i];
                }
            }
            case SHORT -> {
                ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN);
                for (int i = 0; i < n; i++) {
                    out[i] = b.getShort(2 * i);
                }
            }
            case INT -> ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN).asIntBuffer().get(out);
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
        int n = Math.toIntExact(elementCount());
        float[] out = new float[n];
        switch (type) {
            case UBYTE, BYTE -> {
                float[] table = new float[256];
                for (int v = 0; v < 256; v++) {
                    table[v] = (type == IdxType.UBYTE ? v : (byte) v) / divisor;
                }
                for (int i = 0; i < n; i++) {
                    out[i] = table[payload[i] & 0xFF];
                }
            }
            case FLOAT -> {
                ByteBuffer.wrap(payload).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(out);
                if (divisor != 1f) {
                    for (int i = 0; i < n; i++) {
                        out[i] /= divisor;
                    }
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) (get(i) / divisor);
                }
            }
        }
        return out;
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
