package io.convnb.ops;

/**
 * Whether the JDK Vector API ({@code jdk.incubator.vector}) is in this JVM, which the direct
 * thin-layer convolution ({@code DirectConvFloat}) needs. It is an incubator module in Java 17: it is
 * only resolved when the JVM starts with {@code --add-modules=jdk.incubator.vector} (the convnb
 * kernelspecs, the Maven tests and the benchmarks do; for another kernel put it in
 * {@code JAVA_TOOL_OPTIONS}). Without it the engine uses its other implementations. This class
 * refers to no incubator type, so it loads in any JVM.
 */
final class VectorSupport {
    private static final String MODULE = "jdk.incubator.vector";
    private static final boolean AVAILABLE = ModuleLayer.boot().findModule(MODULE).isPresent()
            && !Boolean.getBoolean("convnb.vector.disable");

    private VectorSupport() {
    }

    static boolean available() {
        return AVAILABLE;
    }

    /** One line for environment reports. */
    static String describe() {
        if (AVAILABLE) {
            return "on (" + DirectConvFloat.describeVectors() + ")";
        }
        if (ModuleLayer.boot().findModule(MODULE).isPresent()) {
            return "off (system property convnb.vector.disable=true)";
        }
        return "off: start the JVM with --add-modules=jdk.incubator.vector (e.g. in JAVA_TOOL_OPTIONS) "
                + "for the fast thin-layer convolution";
    }
}
