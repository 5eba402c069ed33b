package io.convnb.shape;

/**
 * Reference counts written the slow, obvious way, independent of the closed-form formulas:
 * lay the padded axis out as cells and slide the kernel's taps over it.
 */
final class BruteForce {
    private BruteForce() {
    }

    /** How many window positions (stepping by {@code s}) have every tap inside the padded axis. */
    static long windows(long in, long k, long s, long d, long padBefore, long padAfter) {
        long padded = in + padBefore + padAfter;
        long count = 0;
        for (long start = 0; start < padded; start += s) {
            boolean fits = true;
            for (long j = 0; j < k; j++) {
                if (start + j * d >= padded) {
                    fits = false;
                }
            }
            if (fits) {
                count++;
            }
        }
        return count;
    }

    /** The smallest {@code n} with {@code n*s >= in}: how many strides it takes to pass over the input. */
    static long stridesToCover(long in, long s) {
        long n = 0;
        while (n * s < in) {
            n++;
        }
        return n;
    }

    /** The least total padding that lets {@code wanted} windows fit. */
    static long leastPaddingFor(long wanted, long in, long k, long s, long d) {
        long t = 0;
        while (windows(in, k, s, d, 0, t) < wanted) {
            t++;
        }
        return t;
    }

    /**
     * Transposed convolution: input cell {@code i} touches full-result cells {@code i*s + j*d}; the
     * length of the span of touched cells.
     */
    static long transposedTouchedSpan(long in, long k, long s, long d) {
        long max = -1;
        for (long i = 0; i < in; i++) {
            for (long j = 0; j < k; j++) {
                max = Math.max(max, i * s + j * d);
            }
        }
        return max + 1;
    }

    /** Keras {@code conv_utils.deconv_output_length}, transcribed line by line; {@code op = -1} is None. */
    static long kerasDeconvOutputLength(long in, long filterSize, String padding, long op, long stride, long dilation) {
        filterSize = filterSize + (filterSize - 1) * (dilation - 1);
        long length;
        if (op == -1) {
            switch (padding) {
                case "valid" -> length = in * stride + Math.max(filterSize - stride, 0);
                case "full" -> length = in * stride - (stride + filterSize - 2);
                case "same" -> length = in * stride;
                default -> throw new AssertionError(padding);
            }
        } else {
            long pad = switch (padding) {
                case "same" -> filterSize / 2;
                case "valid" -> 0;
                case "full" -> filterSize - 1;
                default -> throw new AssertionError(padding);
            };
            length = (in - 1) * stride + filterSize - 2 * pad + op;
        }
        return length;
    }
}
