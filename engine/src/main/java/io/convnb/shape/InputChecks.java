package io.convnb.shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Groups, rank and channel checks behind {@link ConvArithmetic}. */
final class InputChecks {
    private static final int MAX_LISTED_DIVISORS = 12;

    private InputChecks() {
    }

    static void groups(String layer, long channels, long filters, long groups) {
        String name = Checks.name(layer);
        if (groups < 1) {
            throw new IllegalArgumentException(name + ": groups must be at least 1, received " + groups
                    + "; use groups=1 for an ordinary convolution or groups equal to the input channels for a"
                    + " depthwise one.");
        }
        if (filters < 1) {
            throw new IllegalArgumentException(name + ": Invalid value for argument `filters`. Expected a strictly"
                    + " positive value. Received filters=" + filters + ". Use filters=32, for example.");
        }
        if (channels != -1 && channels < 1) {
            throw new IllegalArgumentException(name + ": the input must have at least 1 channel, received "
                    + channels + "; check the input shape (or pass -1 while the channels are unknown).");
        }
        if (filters % groups != 0) {
            throw new IllegalArgumentException(name + ": The number of filters must be evenly divisible by the"
                    + " number of groups. Received: groups=" + groups + ", filters=" + filters + ". "
                    + groupsFix(channels, filters));
        }
        if (channels != -1 && channels % groups != 0) {
            throw new IllegalArgumentException(name + ": The number of input channels must be evenly divisible by"
                    + " the number of groups. Received groups=" + groups + ", but the input has " + channels
                    + " channels. " + groupsFix(channels, filters));
        }
    }

    /** Names the groups that would work: the divisors of the filters (and of the channels when known). */
    private static String groupsFix(long channels, long filters) {
        long common = channels == -1 ? filters : gcd(channels, filters);
        String what = channels == -1 ? filters + " filters" : "both " + filters + " filters and " + channels
                + " input channels";
        return "Use groups that divide " + what + ": " + listDivisors(common) + ".";
    }

    private static String listDivisors(long n) {
        List<Long> divisors = new ArrayList<>();
        for (long d = 1; d * d <= n; d++) {   // pairs (d, n/d) keep this fast for large primes
            if (n % d == 0) {
                divisors.add(d);
                if (d != n / d) {
                    divisors.add(n / d);
                }
            }
        }
        divisors.sort(null);
        if (divisors.size() > MAX_LISTED_DIVISORS) {
            List<Long> head = divisors.subList(0, MAX_LISTED_DIVISORS - 1);
            return joinWithOr(head).replace(" or ", ", ") + ", ... or " + n;
        }
        return joinWithOr(divisors);
    }

    private static String joinWithOr(List<Long> values) {
        if (values.size() == 1) {
            return values.get(0).toString();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : i == values.size() - 1 ? " or " : ", ").append(values.get(i));
        }
        return b.toString();
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    static void rank(String layer, long[] shape, int rank, String expectedForm) {
        if (shape == null) {
            throw new IllegalArgumentException(Checks.name(layer) + ": the input shape is missing; expected rank "
                    + rank + " " + expectedForm + " without the batch axis, e.g. inputShape(28, 28, 1).");
        }
        if (shape.length == rank) {
            return;
        }
        String fix;
        if (shape.length == rank - 1) {
            long[] withChannels = Arrays.copyOf(shape, rank);
            withChannels[rank - 1] = 1;
            fix = "add a channels axis of size 1, e.g. " + Shapes.format(withChannels);
        } else if (shape.length == rank + 1) {
            fix = "if the first axis is the batch, drop it (shapes given to layers exclude it): "
                    + Shapes.format(Arrays.copyOfRange(shape, 1, shape.length));
        } else {
            fix = "reshape the input to " + expectedForm;
        }
        throw new IllegalArgumentException(Checks.name(layer) + ": expected an input of rank " + rank + " "
                + expectedForm + " without the batch axis, but received shape " + Shapes.format(shape) + " of rank "
                + shape.length + "; " + fix + ".");
    }

    static void channels(String layer, long[] shape, long expected, String dataFormat) {
        String format = dataFormat == null ? "" : dataFormat.strip().toLowerCase(Locale.ROOT);
        if (!format.equals("channels_last") && !format.equals("channels_first")) {
            throw new IllegalArgumentException(Checks.name(layer) + ": unknown dataFormat "
                    + (dataFormat == null ? "null" : "\"" + dataFormat + "\"")
                    + "; use \"channels_last\" (height, width, channels) or \"channels_first\" (channels, height, width).");
        }
        if (shape == null || shape.length == 0) {
            throw new IllegalArgumentException(Checks.name(layer) + ": the input shape "
                    + (shape == null ? "is missing" : "() has no axes") + "; expected " + expected
                    + " channels on the " + (format.equals("channels_last") ? "last" : "first") + " axis.");
        }
        boolean last = format.equals("channels_last");
        long actual = last ? shape[shape.length - 1] : shape[0];
        if (actual == expected) {
            return;
        }
        long other = last ? shape[0] : shape[shape.length - 1];
        String fix;
        if (shape.length > 1 && other == expected) {
            fix = "the " + (last ? "first" : "last") + " axis has " + expected + ": if it holds the channels, use"
                    + " dataFormat(\"" + (last ? "channels_first" : "channels_last") + "\")";
        } else {
            fix = "feed inputs with " + expected + " channels, or build the layer again for " + actual;
        }
        throw new IllegalArgumentException(Checks.name(layer) + ": expected " + expected + " input channels on the "
                + (last ? "last" : "first") + " axis (dataFormat=\"" + format + "\"), but the input shape "
                + Shapes.format(shape) + " has " + actual + "; " + fix + ".");
    }
}
