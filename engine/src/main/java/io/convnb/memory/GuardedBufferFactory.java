package io.convnb.memory;

import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.cpu.nativecpu.buffer.DefaultDataBufferFactory;

/**
 * ND4J's CPU data-buffer factory with {@link TensorMemoryGuard}'s check in front of every method that
 * allocates a buffer of a given length. Every {@code Nd4j.create/zeros/ones/rand/...}, every op
 * output ND4J creates in Java and every {@code dup()} reaches one of these through
 * {@code Nd4j.createBuffer}, before libnd4j allocates (and, for zeroed buffers, touches) the memory.
 * Buffers made from an existing Java array are not checked: the array already lives in the heap,
 * which {@code -Xmx} bounds.
 */
final class GuardedBufferFactory extends DefaultDataBufferFactory {

    private static boolean fresh(MemoryWorkspace ws) {
        return ws == null;
    }

    @Override
    public DataBuffer create(DataType type, long length, boolean initialize) {
        TensorMemoryGuard.check(type, length, true);
        return super.create(type, length, initialize);
    }

    @Override
    public DataBuffer create(DataType type, long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(type, length, fresh(ws));
        return super.create(type, length, initialize, ws);
    }

    @Override
    public DataBuffer createFloat(long offset, int length) {
        TensorMemoryGuard.check(DataType.FLOAT, length, true);
        return super.createFloat(offset, length);
    }

    @Override
    public DataBuffer createDouble(long offset, int length) {
        TensorMemoryGuard.check(DataType.DOUBLE, length, true);
        return super.createDouble(offset, length);
    }

    @Override
    public DataBuffer createInt(long offset, int length) {
        TensorMemoryGuard.check(DataType.INT, length, true);
        return super.createInt(offset, length);
    }

    @Override
    public DataBuffer createHalf(long offset, int length) {
        TensorMemoryGuard.check(DataType.HALF, length, true);
        return super.createHalf(offset, length);
    }

    @Override
    public DataBuffer createFloat(long length) {
        TensorMemoryGuard.check(DataType.FLOAT, length, true);
        return super.createFloat(length);
    }

    @Override
    public DataBuffer createFloat(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.FLOAT, length, true);
        return super.createFloat(length, initialize);
    }

    @Override
    public DataBuffer createFloat(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.FLOAT, length, fresh(ws));
        return super.createFloat(length, initialize, ws);
    }

    @Override
    public DataBuffer createDouble(long length) {
        TensorMemoryGuard.check(DataType.DOUBLE, length, true);
        return super.createDouble(length);
    }

    @Override
    public DataBuffer createDouble(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.DOUBLE, length, true);
        return super.createDouble(length, initialize);
    }

    @Override
    public DataBuffer createDouble(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.DOUBLE, length, fresh(ws));
        return super.createDouble(length, initialize, ws);
    }

    @Override
    public DataBuffer createHalf(long length) {
        TensorMemoryGuard.check(DataType.HALF, length, true);
        return super.createHalf(length);
    }

    @Override
    public DataBuffer createHalf(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.HALF, length, true);
        return super.createHalf(length, initialize);
    }

    @Override
    public DataBuffer createHalf(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.HALF, length, fresh(ws));
        return super.createHalf(length, initialize, ws);
    }

    @Override
    public DataBuffer createBFloat16(long length) {
        TensorMemoryGuard.check(DataType.BFLOAT16, length, true);
        return super.createBFloat16(length);
    }

    @Override
    public DataBuffer createBFloat16(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.BFLOAT16, length, true);
        return super.createBFloat16(length, initialize);
    }

    @Override
    public DataBuffer createBFloat16(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.BFLOAT16, length, fresh(ws));
        return super.createBFloat16(length, initialize, ws);
    }

    @Override
    public DataBuffer createInt(long length) {
        TensorMemoryGuard.check(DataType.INT, length, true);
        return super.createInt(length);
    }

    @Override
    public DataBuffer createInt(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.INT, length, true);
        return super.createInt(length, initialize);
    }

    @Override
    public DataBuffer createInt(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.INT, length, fresh(ws));
        return super.createInt(length, initialize, ws);
    }

    @Override
    public DataBuffer createLong(long length) {
        TensorMemoryGuard.check(DataType.LONG, length, true);
        return super.createLong(length);
    }

    @Override
    public DataBuffer createLong(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.LONG, length, true);
        return super.createLong(length, initialize);
    }

    @Override
    public DataBuffer createLong(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.LONG, length, fresh(ws));
        return super.createLong(length, initialize, ws);
    }

    @Override
    public DataBuffer createShort(long length) {
        TensorMemoryGuard.check(DataType.SHORT, length, true);
        return super.createShort(length);
    }

    @Override
    public DataBuffer createShort(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.SHORT, length, true);
        return super.createShort(length, initialize);
    }

    @Override
    public DataBuffer createShort(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.SHORT, length, fresh(ws));
        return super.createShort(length, initialize, ws);
    }

    @Override
    public DataBuffer createByte(long length) {
        TensorMemoryGuard.check(DataType.BYTE, length, true);
        return super.createByte(length);
    }

    @Override
    public DataBuffer createByte(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.BYTE, length, true);
        return super.createByte(length, initialize);
    }

    @Override
    public DataBuffer createByte(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.BYTE, length, fresh(ws));
        return super.createByte(length, initialize, ws);
    }

    @Override
    public DataBuffer createBool(long length) {
        TensorMemoryGuard.check(DataType.BOOL, length, true);
        return super.createBool(length);
    }

    @Override
    public DataBuffer createBool(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.BOOL, length, true);
        return super.createBool(length, initialize);
    }

    @Override
    public DataBuffer createBool(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.BOOL, length, fresh(ws));
        return super.createBool(length, initialize, ws);
    }

    @Override
    public DataBuffer createUShort(long length) {
        TensorMemoryGuard.check(DataType.UINT16, length, true);
        return super.createUShort(length);
    }

    @Override
    public DataBuffer createUShort(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.UINT16, length, true);
        return super.createUShort(length, initialize);
    }

    @Override
    public DataBuffer createUShort(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.UINT16, length, fresh(ws));
        return super.createUShort(length, initialize, ws);
    }

    @Override
    public DataBuffer createUInt(long length) {
        TensorMemoryGuard.check(DataType.UINT32, length, true);
        return super.createUInt(length);
    }

    @Override
    public DataBuffer createUInt(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.UINT32, length, true);
        return super.createUInt(length, initialize);
    }

    @Override
    public DataBuffer createUInt(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.UINT32, length, fresh(ws));
        return super.createUInt(length, initialize, ws);
    }

    @Override
    public DataBuffer createUByte(long length) {
        TensorMemoryGuard.check(DataType.UBYTE, length, true);
        return super.createUByte(length);
    }

    @Override
    public DataBuffer createUByte(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.UBYTE, length, true);
        return super.createUByte(length, initialize);
    }

    @Override
    public DataBuffer createUByte(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.UBYTE, length, fresh(ws));
        return super.createUByte(length, initialize, ws);
    }

    @Override
    public DataBuffer createULong(long length) {
        TensorMemoryGuard.check(DataType.UINT64, length, true);
        return super.createULong(length);
    }

    @Override
    public DataBuffer createULong(long length, boolean initialize) {
        TensorMemoryGuard.check(DataType.UINT64, length, true);
        return super.createULong(length, initialize);
    }

    @Override
    public DataBuffer createULong(long length, boolean initialize, MemoryWorkspace ws) {
        TensorMemoryGuard.check(DataType.UINT64, length, fresh(ws));
        return super.createULong(length, initialize, ws);
    }
}
