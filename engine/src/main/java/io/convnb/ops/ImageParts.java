package io.convnb.ops;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a batch of images into contiguous chunks, {@link #CHUNKS_PER_CORE} per core, and runs them on
 * the calling thread and a team of daemon threads, each thread claiming the next chunk as it
 * finishes one: on a shared machine one core is often slower for a while, and a fixed half-and-half
 * split then waits for it. Chunk k always holds the same images for the same batch size, so per-chunk
 * partial sums, added up in chunk order, give the same result whichever thread ran which chunk.
 *
 * <p>Why not a parallel stream or an executor: here (a 2-vCPU VM) a parked thread took 0.2-0.3 ms to
 * start its part, a third of a whole (64, 28, 28, 1) forward pass, because waking an idle virtual
 * CPU is slow. So a team thread, after finishing a part, watches for the next one for
 * {@link #SPIN_NANOS} before it parks, as OpenMP runtimes do; a forward pass followed by its backward
 * pass then never waits for a wake-up. One batch runs on the team at a time; a second thread that
 * finds the team busy runs its parts itself, one after the other.
 */
final class ImageParts {
    /** How long an idle team thread keeps polling for work before it parks. */
    static final long SPIN_NANOS = 200_000;
    /** Chunks per core: enough for the fast cores to take over the work of a slow one. */
    static final int CHUNKS_PER_CORE = 4;
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final ReentrantLock TEAM_LOCK = new ReentrantLock();
    private static volatile Worker[] team;

    private ImageParts() {
    }

    /** Work on images [first, first+count), chunk number {@code chunk} of {@link #count}. */
    @FunctionalInterface
    interface Body {
        void run(int chunk, int first, int count);
    }

    /** How many chunks a batch of {@code images} is split into: at most one per image. */
    static int count(int images) {
        return Math.max(1, Math.min(images, CORES == 1 ? 1 : CORES * CHUNKS_PER_CORE));
    }

    static void run(int images, Body body) {
        int chunks = count(images);
        if (chunks == 1 || !TEAM_LOCK.tryLock()) {
            for (int k = 0; k < chunks; k++) {
                body.run(k, first(images, chunks, k), first(images, chunks, k + 1) - first(images, chunks, k));
            }
            return;
        }
        try {
            Worker[] workers = team();
            Batch batch = new Batch(body, images, chunks);
            Task[] tasks = new Task[workers.length];
            for (int i = 0; i < workers.length; i++) {
                tasks[i] = new Task(batch);
                workers[i].hand(tasks[i]);
            }
            Throwable failure = null;
            try {
                batch.work();
            } catch (RuntimeException | Error e) {
                failure = e;
                batch.next.set(chunks);   // the others stop after their current chunk
            }
            for (Task t : tasks) {
                t.await();
                if (failure == null) {
                    failure = t.failure;
                }
            }
            if (failure instanceof RuntimeException r) {
                throw r;
            }
            if (failure instanceof Error e) {
                throw e;
            }
        } finally {
            TEAM_LOCK.unlock();
        }
    }

    private static int first(int images, int parts, int part) {
        return (int) ((long) images * part / parts);
    }

    private static Worker[] team() {
        Worker[] t = team;
        if (t == null) {   // only ever called under TEAM_LOCK
            t = new Worker[CORES - 1];
            for (int i = 0; i < t.length; i++) {
                t[i] = new Worker("convnb-conv-" + (i + 1));
                t[i].start();
            }
            team = t;
        }
        return t;
    }

    /** The chunks of one batch, claimed in order by whichever thread is free. */
    private static final class Batch {
        private final Body body;
        private final int images, chunks;
        private final java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();

        Batch(Body body, int images, int chunks) {
            this.body = body;
            this.images = images;
            this.chunks = chunks;
        }

        void work() {
            for (int k = next.getAndIncrement(); k < chunks; k = next.getAndIncrement()) {
                int from = first(images, chunks, k);
                body.run(k, from, first(images, chunks, k + 1) - from);
            }
        }
    }

    /** One team thread's share of a batch; {@code done} is set after it ran out of chunks or threw. */
    private static final class Task {
        private final Batch batch;
        private final Thread caller = Thread.currentThread();
        private volatile boolean done;
        private Throwable failure;   // written before done, read after it

        Task(Batch batch) {
            this.batch = batch;
        }

        void execute() {
            try {
                batch.work();
            } catch (Throwable e) {
                failure = e;
                batch.next.set(batch.chunks);
            } finally {
                done = true;
                LockSupport.unpark(caller);
            }
        }

        /** Waits for done: polls first (parts end close together), then parks. Ignores interrupts. */
        void await() {
            long start = System.nanoTime();
            while (!done) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(this, 50_000);
                }
            }
        }
    }

    private static final class Worker extends Thread {
        private volatile Task task;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void hand(Task t) {
            task = t;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                Task t = task;
                if (t != null) {
                    task = null;
                    t.execute();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
        }
    }
}
