package io.convnb.kernel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The execution control on its own, with plain static methods standing in for JShell's do_it$ methods. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InProcessExecutionControlTest {
    static final Object VALUE = new Object();
    static volatile Thread lastThread;

    public static Object value() {
        lastThread = Thread.currentThread();
        return VALUE;
    }

    public static Object nothing() {
        return null;
    }

    public static Object interruptedAtStart() {
        return Thread.currentThread().isInterrupted();
    }

    public static Object leaveInterruptFlagSet() {
        Thread.currentThread().interrupt();
        return null;
    }

    public static Object fail() {
        throw new IllegalStateException("from the snippet");
    }

    private final InProcessExecutionControl control = new InProcessExecutionControl();

    @AfterEach
    void close() {
        control.close();
    }

    private Object run(String method) throws Exception {
        Method m = InProcessExecutionControlTest.class.getMethod(method);
        return control.takeResult(control.invoke(m));
    }

    @Test
    void valuesComeBackAsTheObjectsThemselvesOnOneLongLivedThread() throws Exception {
        assertSame(VALUE, run("value"));
        Thread first = lastThread;
        assertSame(VALUE, run("value"));
        assertSame(first, lastThread);
        assertNotEquals(Thread.currentThread(), first);
        assertNull(run("nothing"));
        assertNull(control.takeResult("no-such-key"));
    }

    @Test
    void userExceptionsArriveWrappedForJShell() throws Exception {
        Method m = InProcessExecutionControlTest.class.getMethod("fail");
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> control.invoke(m));
        assertEquals("from the snippet", e.getCause().getMessage());
    }

    @Test
    void interruptFlagIsClearedBetweenSnippetsUnlessAnInterruptIsPending() throws Exception {
        run("leaveInterruptFlagSet");
        assertEquals(false, run("interruptedAtStart"));
        control.setInterruptPending(true);
        assertEquals(true, run("interruptedAtStart"));
        control.setInterruptPending(false);
        assertEquals(false, run("interruptedAtStart"));
    }

    @Test
    void nothingRunningMeansNothingToInterruptOrStop() {
        assertEquals(0, control.interruptRunning());
        assertEquals(0, control.runningTask());
        control.stop();
        assertFalse(control.wasStopped(control.lastTask()));
        assertTrue(control.lastTask() >= 0);
    }
}
