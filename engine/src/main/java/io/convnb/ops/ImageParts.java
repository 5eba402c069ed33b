package io.convnb.ops;

import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Splits a batch of images into one contiguous part per core and runs the parts in parallel: the
 * calling thread takes part 0, a team of daemon threads the others. Part k always gets the same
 * images for the same batch size, so per-part partial sums add up in the same order on every run.
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
    private static final int CORES = Runtime.getRuntime().availableProcessors();
    private static final ReentrantLock TEAM_LOCK = new ReentrantLock();
    private static volatile Worker[] team;

    private ImageParts() {
    }

    /** Work on images [first, first+count), as part number {@code part} of {@link #count}. */
    @FunctionalInterface
    interface Body {
        void run(int part, int first, int count);
    }

    /** How many parts a batch of {@code images} is split into: one per core, at most one per image. */
    static int count(int images) {
        return Math.max(1, Math.min(images, CORES));
    }

    static void run(int images, Body body) {
        int parts = count(images);
        if (parts == 1) {
            body.run(0, 0, images);
            return;
        }
        if (!TEAM_LOCK.tryLock()) {
            for (int p = 0; p < parts; p++) {
                body.run(p, first(images, parts, p), first(images, parts, p + 1) - first(images, parts, p));
            }
            return;
        }
        try {
            Worker[] workers = team();
            Task[] tasks = new Task[parts - 1];
            for (int p = 1; p < parts; p++) {
                tasks[p - 1] = new Task(body, p, first(images, parts, p), first(images, parts, p + 1));
                workers[p - 1].hand(tasks[p - 1]);
            }
            Throwable failure = null;
            try {
                body.run(0, 0, first(images, parts, 1));
            } catch (RuntimeException | Error e) {
                failure = e;
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

    /** One part of one batch; {@code done} is set after the body returned or threw. */
    private static final class Task {
        private final Body body;
        private final int part, first, end;
        private final Thread caller = Thread.currentThread();
        private volatile boolean done;
        private Throwable failure;   // written before done, read after it

        Task(Body body, int part, int first, int end) {
            this.body = body;
            this.part = part;
            this.first = first;
            this.end = end;
        }

        void execute() {
            try {
                body.run(part, first, end - first);
            } catch (Throwable e) {
                failure = e;
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
