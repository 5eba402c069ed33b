package io.convnb.memory;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.buffer.factory.DataBufferFactory;
import org.nd4j.linalg.api.memory.BasicMemoryManager;
import org.nd4j.linalg.api.memory.MemoryManager;
import org.nd4j.linalg.cpu.nativecpu.CpuMemoryManager;
import org.nd4j.linalg.cpu.nativecpu.buffer.DefaultDataBufferFactory;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Field;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Refuses an ND4J tensor that would not fit in memory <em>before</em> libnd4j allocates it, with a
 * {@link TensorMemoryLimitError} that names the size, the cap, where the cap came from and the fixes.
 *
 * <p>Why it is needed: on ND4J's CPU backend (1.0.0-M2.1) a data buffer is allocated by libnd4j and,
 * for {@code zeros}/{@code create}, zeroed right away, so all its pages are touched before any Java
 * code sees it. JavaCPP's {@code maxbytes} does not count these buffers at all, and its
 * {@code maxphysicalbytes} is checked only at the next allocation JavaCPP itself makes, after the
 * fact; libnd4j's {@code SD_MAX_PRIMARY_BYTES} is not enforced on CPU. In a container a single
 * tensor larger than the memory limit therefore gets the whole process killed by the OS.
 *
 * <p>What it checks, at the two places every allocation of a tensor's memory passes through:
 * <ul>
 *   <li>ND4J's data-buffer factory (every {@code Nd4j.create}, {@code zeros}, {@code rand}, op output
 *       and {@code dup}): a buffer larger than {@link MemoryCaps#tensorBytes()} is refused; a buffer of
 *       {@value #PROCESS_CHECK_MIB} MiB or more outside a workspace is refused when the process's
 *       resident memory plus the buffer would pass {@link MemoryCaps#processBytes()}, after a garbage
 *       collection has had the chance to free dead tensors;</li>
 *   <li>ND4J's memory manager, through which a workspace allocates its block: the same two checks.</li>
 * </ul>
 * An allocation below {@value #PROCESS_CHECK_MIB} MiB costs one comparison of its length with a
 * precomputed bound, so training steps (which allocate inside workspaces) run as fast as without
 * the guard. Not covered: scratch memory libnd4j allocates inside an op (oneDNN's buffers) and
 * buffers copied from a Java array (the heap's {@code -Xmx} bounds those).
 *
 * <p>The guard replaces ND4J's CPU data-buffer factory and memory manager with subclasses that check
 * and then do exactly what the originals do; {@link #uninstall()} puts the originals back. Install it
 * before any workspace is opened (the convnb kernels install it when the extension starts): a
 * workspace already open keeps the memory manager it was created with.
 */
public final class TensorMemoryGuard {
    /** Allocations from this size on, outside workspaces, are checked against the process cap. */
    static final long PROCESS_CHECK_MIB = 16;
    private static final long PROCESS_CHECK_BYTES = PROCESS_CHECK_MIB << 20;
    /** Garbage collections tried before refusing for the process cap, waiting 50, 100, 200, 400 ms. */
    private static final int GC_ATTEMPTS = 4;

    /** Lengths below this pass without further work: {@code min(tensor cap, 16 MiB) / 8} elements. */
    private static volatile long uncheckedBelow = Long.MAX_VALUE;
    private static volatile MemoryCaps caps;
    private static volatile LongSupplier residentBytes = Pointer::physicalBytes;
    private static DataBufferFactory originalFactory;
    private static MemoryManager originalManager;

    private TensorMemoryGuard() {
    }

    /**
     * Installs the guard with {@code caps}, or changes the caps of the installed guard.
     *
     * @throws IllegalStateException if ND4J's backend is not the CPU backend this guard was written
     *                               for, naming what it found
     */
    public static synchronized void install(MemoryCaps caps) {
        install(caps, Pointer::physicalBytes);
    }

    /** {@link #install(MemoryCaps)} with the process's resident bytes read from {@code resident} (tests). */
    static synchronized void install(MemoryCaps newCaps, LongSupplier resident) {
        Objects.requireNonNull(newCaps, "caps");
        Objects.requireNonNull(resident, "resident");
        if (originalFactory == null) {
            swapIn();
        }
        residentBytes = resident;
        caps = newCaps;
        uncheckedBelow = Math.min(newCaps.tensorBytes(), PROCESS_CHECK_BYTES) / Long.BYTES;
    }

    /** Puts ND4J's own factory and memory manager back; allocations are no longer checked. */
    public static synchronized void uninstall() {
        uncheckedBelow = Long.MAX_VALUE;
        caps = null;
        residentBytes = Pointer::physicalBytes;
        if (originalFactory == null) {
            return;
        }
        MemoryManager guarded = Nd4j.getMemoryManager();
        setNd4jField("DATA_BUFFER_FACTORY_INSTANCE", originalFactory);
        originalManager.setCurrentWorkspace(guarded.getCurrentWorkspace());
        setNd4jField("memoryManager", originalManager);
        originalFactory = null;
        originalManager = null;
    }

    /** The caps in force, or null when the guard is not installed. */
    public static MemoryCaps caps() {
        return caps;
    }

    /** One line for {@code %environment}: what the guard refuses, or that it is off. */
    public static String describe() {
        MemoryCaps c = caps;
        if (c == null) {
            return "off";
        }
        return "on: refuses, before libnd4j allocates it, a tensor over " + mib(c.tensorBytes()) + " or one of "
                + PROCESS_CHECK_MIB + " MiB or more that would take the process past " + mib(c.processBytes())
                + " resident (" + c.sizedFrom() + ")";
    }

    /** Checks a buffer of {@code length} elements of {@code type}; {@code fresh} when outside a workspace. */
    static void check(DataType type, long length, boolean fresh) {
        if (length < uncheckedBelow) {
            return;
        }
        MemoryCaps c = caps;
        if (c == null) {
            return;
        }
        long bytes = saturatedBytes(length, type.width());
        String what = String.format("a %s tensor of %,d elements", type, length);
        checkTensor(bytes, what, c);
        if (fresh && bytes >= PROCESS_CHECK_BYTES) {
            checkProcess(bytes, what, c);
        }
    }

    /** Checks the block a workspace allocates for its arrays. */
    static void checkWorkspaceBlock(long bytes) {
        MemoryCaps c = caps;
        if (c == null || bytes < PROCESS_CHECK_BYTES && bytes <= c.tensorBytes()) {
            return;
        }
        String what = "an ND4J workspace block (the arrays of one training or prediction step)";
        checkTensor(bytes, what, c);
        checkProcess(bytes, what, c);
    }

    private static void checkTensor(long bytes, String what, MemoryCaps c) {
        if (bytes > c.tensorBytes()) {
            throw new TensorMemoryLimitError(what + " needs " + mib(bytes) + ", more than the " + mib(c.tensorBytes())
                    + " one tensor may take in this process (" + c.sizedFrom() + "). " + REFUSED
                    + " Fixes: a smaller batch (batchSize of fit, evaluate and predict) or a smaller tensor; or "
                    + c.moreMemory() + ".", bytes, c.tensorBytes());
        }
    }

    private static void checkProcess(long bytes, String what, MemoryCaps c) {
        long resident = residentBytes.getAsLong();
        boolean collected = false;
        for (int attempt = 0; attempt < GC_ATTEMPTS && exceeds(resident, bytes, c); attempt++) {
            // Dead tensors hold native memory until the GC finds them and ND4J's deallocator threads free it.
            System.gc();
            collected = true;
            try {
                Thread.sleep(50L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            resident = residentBytes.getAsLong();
        }
        if (exceeds(resident, bytes, c)) {
            throw new TensorMemoryLimitError(what + " needs " + mib(bytes) + ", and this process already holds "
                    + mib(resident) + " resident" + (collected ? " (after a garbage collection)" : "")
                    + ": together more than the " + mib(c.processBytes()) + " the whole process may use ("
                    + c.sizedFrom() + "). " + REFUSED + " Fixes: release tensors you no longer need (set their "
                    + "variables to null), a smaller batch (batchSize of fit, evaluate and predict) or a smaller "
                    + "tensor; or " + c.moreMemory() + ".", bytes, c.processBytes());
        }
    }

    private static final String REFUSED = "It was refused before any memory was allocated: the kernel and its variables are intact.";

    private static boolean exceeds(long resident, long bytes, MemoryCaps c) {
        return resident > c.processBytes() - bytes;
    }

    private static long saturatedBytes(long length, int width) {
        long high = Math.multiplyHigh(length, width);
        return high != 0 || length * width < 0 ? Long.MAX_VALUE : length * width;
    }

    /** {@code 6,104 MiB (5.96 GiB)}; bytes are rounded to the nearest MiB. */
    static String mib(long bytes) {
        long m = (bytes + (1L << 19)) >> 20;
        String s = String.format("%,d MiB", m);
        return bytes >= 1L << 30 ? s + String.format(" (%.2f GiB)", bytes / (double) (1L << 30)) : s;
    }

    private static void swapIn() {
        DataBufferFactory factory = Nd4j.getDataBufferFactory();
        MemoryManager manager = Nd4j.getMemoryManager();
        if (factory.getClass() != DefaultDataBufferFactory.class || manager.getClass() != CpuMemoryManager.class) {
            throw new IllegalStateException("TensorMemoryGuard knows ND4J's CPU backend only (data-buffer factory "
                    + DefaultDataBufferFactory.class.getName() + ", memory manager " + CpuMemoryManager.class.getName()
                    + "); this JVM has " + factory.getClass().getName() + " and " + manager.getClass().getName()
                    + ". Tensors are not checked before allocation.");
        }
        GuardedMemoryManager guarded = new GuardedMemoryManager();
        if (manager instanceof BasicMemoryManager basic) {
            guarded.togglePeriodicGc(basic.isPeriodicGcActive());
            guarded.setAutoGcWindow(basic.getAutoGcWindow());
            guarded.setOccasionalGcFrequency(basic.getOccasionalGcFrequency());
        }
        guarded.setCurrentWorkspace(manager.getCurrentWorkspace());
        setNd4jField("DATA_BUFFER_FACTORY_INSTANCE", new GuardedBufferFactory());
        try {
            setNd4jField("memoryManager", guarded);
        } catch (IllegalStateException e) {
            setNd4jField("DATA_BUFFER_FACTORY_INSTANCE", factory);
            throw e;
        }
        originalFactory = factory;
        originalManager = manager;
    }

    /** ND4J 1.0.0-M2.1 has no setter for either field; both are private statics of {@link Nd4j}. */
    private static void setNd4jField(String name, Object value) {
        try {
            Field f = Nd4j.class.getDeclaredField(name);
            f.setAccessible(true);
            f.set(null, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("TensorMemoryGuard cannot set Nd4j." + name + " (" + e
                    + "); this ND4J version is not the 1.0.0-M2.1 the guard was written for. Tensors are not checked "
                    + "before allocation.", e);
        }
    }
}
